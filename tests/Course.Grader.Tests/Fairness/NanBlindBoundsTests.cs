using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// <see cref="NanBlindBounds"/>: NUnit orders NaN below every number, so `course validate` names each bound on a
/// floating-point value that NaN passes, and none that NaN fails or that says Is.Not.NaN.
/// </summary>
public class NanBlindBoundsTests
{
    const string Homework = """
        namespace Tiny.Homework;
        public static class Model
        {
            public static double Loss() => double.NaN;
            public static int Steps() => 3;
        }
        """;

    static IReadOnlyList<string> Problems(string assertion)
    {
        var tests = $$"""
            using Course.Testing;
            using NUnit.Framework;
            using Tiny.Homework;
            namespace Tiny.Homework.Tests;
            public class ModelTests : TorchTest
            {
                [Test, Points(1)]
                public void Trains()
                {
                    var loss = Model.Loss();
                    float single = (float)loss;
                    double? maybe = loss;
                    {{assertion}}
                }
            }
            """;
        var (_, suites) = CompileStage.ForReading(TinyHomework.Request(Homework, tests));
        var errors = suites.SelectMany(s => s.GetDiagnostics()).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.That(errors, Is.Empty, () => string.Join("\n", errors));
        return NanBlindBounds.Problems(suites);
    }

    [TestCase("Assert.That(loss, Is.LessThan(0.9));", "double", "LessThan")]
    [TestCase("Assert.That(loss, Is.LessThanOrEqualTo(0.9), \"the loss\");", "double", "LessThanOrEqualTo")]
    [TestCase("Assert.That(single,\n    Is.AtMost(0.9f));", "float", "AtMost")]
    [TestCase("Assert.That(maybe, Is.Negative);", "double?", "Negative")]
    [TestCase("Assert.That(loss, Is.Not.GreaterThan(0.9));", "double", "Not.GreaterThan")]
    [TestCase("Assert.That(loss, Is.Not.EqualTo(0.5));", "double", "Not.EqualTo")]
    [TestCase("Assert.That(loss, Is.GreaterThan(0.1).Or.LessThan(0.9));", "double", "LessThan")]
    public void Given_a_bound_that_NaN_passes_Then_it_is_named_with_its_mend(string assertion, string type, string bound)
    {
        var problems = Problems(assertion);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Match(@"^Tiny\.Homework\.Tests: .*\.cs:\d+: Trains bounds a ").And.EndWith(
            $"a {type} with NUnit's {bound.Split('.')[^1]}, which NaN passes (NUnit orders NaN below every number), so code that gives NaN passes it: say Is.Not.NaN.And.{bound}(...)"));
    }

    [TestCase("Assert.That(loss, Is.Not.NaN.And.LessThan(0.9));")]
    [TestCase("Assert.That(loss, Is.LessThan(0.9).And.Not.NaN);")]
    [TestCase("Assert.That(loss, Is.GreaterThan(0.1));")]
    [TestCase("Assert.That(loss, Is.GreaterThan(0.1).And.LessThan(0.9));")]
    [TestCase("Assert.That(loss, Is.EqualTo(0.5).Within(0.1));")]
    [TestCase("Assert.That(loss, Is.InRange(0.1, 0.9));")]
    [TestCase("Assert.That(loss < 0.9, Is.True);")]
    [TestCase("Assert.That(Model.Steps(), Is.LessThan(5));")]
    public void Given_a_bound_that_NaN_fails_or_that_excludes_NaN_Then_there_is_no_problem(string assertion) =>
        Assert.That(Problems(assertion), Is.Empty);
}
