using System.Collections;
using System.Globalization;
using Course.Grader.Run;
using NUnit.Framework.Interfaces;

namespace Course.Worker;

/// <summary>Turns NUnit's view of a test case into the wire's <see cref="TestCaseSpec"/>.</summary>
static class TestCaseDescriber
{
    const string ParameterizedMethodType = "ParameterizedMethod";

    public static TestCaseSpec Describe(ITest test, string suite)
    {
        var parameterized = test.Parent is { TestType: ParameterizedMethodType } method ? method : null;
        return new TestCaseSpec(
            test.FullName,
            test.Name,
            test.ClassName ?? "",
            suite,
            MergedProperties(test),
            parameterized?.FullName,
            parameterized?.Tests.Count ?? 1);
    }

    /// <summary>The test cases under <paramref name="root"/> in run order, less those the filter drops or that are explicit.</summary>
    public static IEnumerable<ITest> Cases(ITest root, ITestFilter filter)
    {
        if (root.RunState == RunState.Explicit || !filter.Pass(root)) yield break;
        if (!root.IsSuite)
        {
            yield return root;
            yield break;
        }
        foreach (var child in root.Tests)
            foreach (var test in Cases(child, filter))
                yield return test;
    }

    /// <summary>The properties of the test and of every suite above it; the nearest value of a name wins. NUnit's own (_NAME) are left out.</summary>
    static Dictionary<string, IReadOnlyList<string>> MergedProperties(ITest test)
    {
        var merged = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var node = test; node is not null; node = node.Parent)
        {
            foreach (var key in node.Properties.Keys)
            {
                if (key.StartsWith('_') || merged.ContainsKey(key)) continue;
                merged[key] = node.Properties[key].Cast<object?>().Select(Text).ToList();
            }
        }
        return merged;
    }

    static string Text(object? value) => value switch
    {
        null => "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable and not string => value.GetType().Name,
        _ => value.ToString() ?? "",
    };
}
