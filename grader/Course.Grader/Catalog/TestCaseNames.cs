using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework.Internal;

namespace Course.Grader.Catalog;

/// <summary>
/// A <c>[TestCase]</c>'s name as NUnit gives it (<c>Method(0.5d,"Tanh")</c>), from the attribute's constants as
/// Roslyn reads them: the arguments go through NUnit's own name generator, so the grader's list and the worker's
/// results use the same names.
/// </summary>
static class TestCaseNames
{
    static readonly TestNameGenerator Arguments = new("{a}");

    /// <summary>Any method will do: the "{a}" pattern formats only the arguments it is given.</summary>
    static readonly TestMethod Anchor = new(new MethodWrapper(typeof(TestCaseNames), typeof(TestCaseNames).GetMethod(nameof(Anchored), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!));

    static void Anchored()
    {
    }

    /// <returns>The case's name, or null with <paramref name="problem"/> set when its arguments cannot be read statically.</returns>
    /// <param name="arguments">The attribute's arguments; null stands for a literal null.</param>
    public static string? Of(IMethodSymbol method, IReadOnlyList<TypedConstant?> arguments, out string? problem)
    {
        problem = null;
        if (arguments.Count != method.Parameters.Length || method.Parameters.Any(p => p.IsParams || p.RefKind != RefKind.None))
        {
            problem = $"[TestCase] on {method.Name} must give exactly one argument per parameter (no params, optional or ref parameters)";
            return null;
        }
        var values = new object?[arguments.Count];
        for (var i = 0; i < arguments.Count; i++)
        {
            if (!TryValue(arguments[i], out values[i]))
            {
                problem = $"[TestCase] on {method.Name}: argument {i + 1} ({arguments[i]?.ToCSharpString()}) is not a number, string, char, bool, enum or null";
                return null;
            }
        }
        return method.Name + Arguments.GetDisplayName(Anchor, values);
    }

    /// <summary>NUnit names a case by the arguments as written (<c>Add(1,2,3.0d)</c>), before converting them to the parameters' types.</summary>
    static bool TryValue(TypedConstant? argument, out object? value)
    {
        value = null;
        if (argument is not { } constant || constant.IsNull) return true;
        switch (constant.Kind)
        {
            case TypedConstantKind.Enum:
                var member = constant.Type!.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, constant.Value));
                value = new DisplayedAs(member?.Name ?? Convert.ToString(constant.Value, CultureInfo.InvariantCulture) ?? "");
                return true;
            case TypedConstantKind.Primitive:
                value = constant.Value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Shown as its text, unquoted, as NUnit shows an enum member by its name.</summary>
    sealed class DisplayedAs(string text)
    {
        public override string ToString() => text;
    }
}
