using Course.Grader.Catalog;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Catalog;

/// <summary>
/// The grader's own list of tests, read from the test code with Roslyn, names every test case exactly as NUnit does
/// when it runs them, carries the points and visibility the code declares, and refuses what it cannot list.
/// </summary>
public class TestCatalogTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public enum Mode { Fast, Careful }

        public static class Arithmetic
        {
            public static double Add(double a, double b) => a + b;
        }
        """;

    const string Tests = """
        using System;
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public abstract class Shared
        {
            [Test, Points(1)]
            public void Inherited() { }
        }

        [Visibility(Visibility.Hidden), Points(2)]
        public class ArithmeticTests : Shared
        {
            [Test]
            public void Plain() { }

            [Test, Points(5), Visibility(Visibility.Visible)]
            public void Own() { }

            [TestCase(1, 2, 3.0), TestCase(0.5, 0.25, 0.75), TestCase(-1e-7, 1e20, double.NaN), Points(3)]
            public void Doubles(double a, double b, double sum) { }

            [TestCase("Tanh"), TestCase("with \"quotes\"\tand a tab"), TestCase(null), TestCase("")]
            public void Strings(string? name) { }

            [TestCase('x', true, 7L, 2.5f, 4), TestCase('\n', false, long.MaxValue, -0f, 0)]
            public void Mixed(char c, bool b, long l, float f, decimal m) { }

            [TestCase(Mode.Careful), TestCase(Mode.Fast)]
            public void Enums(Mode mode) { }

            [TestCase(1, TestName = "Named_Case"), TestCase(2, Ignore = "not yet"), TestCase(3, Explicit = true)]
            public void Named(int n) { }

            [Test, Ignore("not graded")]
            public void Ignored() { }

            [Test, Explicit]
            public void ExplicitOnly() { }
        }

        public static class StaticTests
        {
            [Test, Points(1)]
            public static void Static() { }
        }
        """;

    static readonly Lazy<Task<(IReadOnlyList<TestCaseSpec> Catalog, RunResult Run)>> Both = new(async () =>
    {
        var compiled = TinyHomework.Compile(Homework, Tests);
        var catalog = TestCatalog.Read(compiled.TestSuites.Single().Compilation);
        var run = await TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048));
        return (catalog, run);
    });

    [Test]
    public async Task Given_tests_of_every_supported_shape_When_listed_Then_the_names_are_exactly_those_NUnit_runs()
    {
        var (catalog, run) = await Both.Value;
        var ran = run.Tests.Where(t => t.Outcome != TestOutcome.Skipped).Select(t => t.Test.FullName).Order(StringComparer.Ordinal);

        Assert.That(catalog.Select(t => t.FullName), Is.EqualTo(ran));
        Assert.That(catalog, Has.Count.EqualTo(16));
    }

    [Test]
    public async Task Given_points_and_visibility_on_tests_and_fixtures_When_listed_Then_each_case_has_what_NUnit_reports()
    {
        var (catalog, run) = await Both.Value;
        var reported = run.Tests.ToDictionary(t => t.Test.FullName, t => t.Test);

        foreach (var test in catalog)
        {
            var worker = reported[test.FullName];
            // NUnit counts a method's ignored and explicit cases too; the catalog splits the points over the graded ones only.
            var caseCount = test.Name == "Named_Case" ? 3 : test.CaseCount;
            Assert.That((test.Points, test.Visibility, test.ParameterizedMethod, caseCount, test.ClassName, test.Name, test.Suite),
                Is.EqualTo((worker.Points, worker.Visibility, worker.ParameterizedMethod, worker.CaseCount, worker.ClassName, worker.Name, worker.Suite)), test.FullName);
        }
    }

    [Test]
    public async Task Given_ignored_and_explicit_tests_When_listed_Then_they_are_not_graded()
    {
        var (catalog, _) = await Both.Value;

        Assert.That(catalog.Select(t => t.Name), Has.None.StartWith("Ignored").And.None.StartWith("ExplicitOnly").And.None.EqualTo("Named(2)").And.None.EqualTo("Named(3)"));
        Assert.That(catalog.Single(t => t.Name == "Named_Case").CaseCount, Is.EqualTo(1));
    }

    [TestCase("[TestCaseSource(nameof(Cases))] public void M(int n) { } static int[] Cases = [1, 2];", "its cases come from a source NUnit reads at run time")]
    [TestCase("[Test] public void M([Values(1, 2)] int n) { }", "its cases come from a source NUnit reads at run time")]
    [TestCase("[Test] public void M([Range(1, 3)] int n) { }", "its cases come from a source NUnit reads at run time")]
    [TestCase("[Theory] public void M(int n) { }", "its cases come from a source NUnit reads at run time")]
    [TestCase("[Test] public void M(int n) { }", "a [Test] with parameters and no [TestCase] cannot run")]
    [TestCase("[TestCase(1, TestName = \"{m}_{0}\")] public void M(int n) { }", "a TestName pattern ({m}_{0}) is expanded at run time")]
    [TestCase("[TestCase(1)] public void M(int n, int m = 2) { }", "must give exactly one argument per parameter")]
    [TestCase("[TestCase(typeof(int))] public void M(System.Type t) { }", "is not a number, string, char, bool, enum or null")]
    [TestCase("[TestCase(1)] public void M<T>(T n) { }", "a generic test method's cases are named at run time")]
    [TestCase("public class Inner { [Test] public void M() { } }", "NUnit groups a nested fixture's tests under its outer class")]
    public void Given_cases_known_only_at_run_time_When_listed_Then_the_catalog_refuses_them_saying_why(string method, string reason)
    {
        var tests = $$"""
            using NUnit.Framework;
            namespace Tiny.Homework.Tests;
            public class RunTimeTests { {{method}} }
            """;
        var compiled = TinyHomework.Compile(Homework, tests);
        Assert.That(compiled.Success, Is.True, () => string.Join("\n", compiled.TestSuites.SelectMany(s => s.Errors)));

        var refused = Assert.Throws<CatalogException>(() => TestCatalog.Read(compiled.TestSuites.Single().Compilation))!;
        Assert.That(refused.Problems.Single(), Does.Contain("RunTimeTests").And.Contain(reason));
    }
}
