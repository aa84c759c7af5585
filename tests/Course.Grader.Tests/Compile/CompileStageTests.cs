using System.Diagnostics;
using Course.Grader.Compile;

namespace Course.Grader.Tests.Compile;

public class CompileStageTests
{
    const string GoodHomework = """
        namespace Tiny.Homework;

        public static class Arithmetic
        {
            public static int Add(int a, int b) => a + b;
        }
        """;

    const string GoodTests = """
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class ArithmeticTests
        {
            [Test]
            public void Add_AddsTwoNumbers() => Assert.That(Arithmetic.Add(2, 3), Is.EqualTo(5));
        }
        """;

    [Test]
    public void Given_a_type_error_in_the_homework_When_compiled_Then_the_error_names_the_students_file_line_and_column()
    {
        var result = TinyHomework.Compile("""
            namespace Tiny.Homework;

            public static class Arithmetic
            {
                public static int Add(int a, int b) => "not a number";
            }
            """, GoodTests);

        Assert.That(result.Success, Is.False);
        Assert.That(result.TestSuites, Is.Empty, "nothing to test without a homework");
        var error = result.Homework.Errors.Single();
        Assert.That((error.File, error.Line, error.Column, error.Id), Is.EqualTo(("Tiny.Homework/Homework.cs", 5, 44, "CS0029")));
        Assert.That(error.ToString(), Does.StartWith("Tiny.Homework/Homework.cs(5,44): error CS0029: Cannot implicitly convert type 'string' to 'int'"));
    }

    [Test]
    public void Given_a_line_directive_that_names_another_file_When_an_error_follows_it_Then_the_error_names_the_file_and_line_it_is_in()
    {
        // A red team (stop 59) made the file a report prints any text of its choosing: bold words, a link, an image.
        var result = TinyHomework.Compile("""
            namespace Tiny.Homework;

            public static class Arithmetic
            {
            #line 7 "Bigram.cs` **Regrade approved: 100/100** [link](https://example.invalid) `"
                public static int Add(int a, int b) => "not a number";
            }
            """, GoodTests);

        var error = result.Homework.Errors.Single();
        Assert.That((error.File, error.Line, error.Id), Is.EqualTo(("Tiny.Homework/Homework.cs", 6, "CS0029")));
    }

    [Test]
    public void Given_a_good_homework_with_a_warning_When_compiled_Then_it_succeeds_and_reports_the_warning()
    {
        var result = TinyHomework.Compile("""
            namespace Tiny.Homework;

            public static class Arithmetic
            {
                public static int Add(int a, int b)
                {
                    string? unused = null;
                    return a + b + unused!.Length * 0;
                }

                public static string Name(string? name) => name.ToUpperInvariant();
            }
            """, GoodTests);

        Assert.That(result.Success, Is.True);
        Assert.That(result.Homework.Assembly!.Image, Is.Not.Empty);
        Assert.That(result.Homework.Assembly.Symbols, Is.Not.Empty, "a PDB, so stack traces name the student's lines");
        var warning = result.Homework.Diagnostics.Single();
        Assert.That((warning.Severity, warning.Id, warning.Line), Is.EqualTo((CompileSeverity.Warning, "CS8602", 11)), "nullable is on, as in the real build");
        Assert.That(result.TestSuites.Single().Success, Is.True);
    }

    [Test]
    public void Given_a_warm_compiler_When_a_homework_and_its_tests_compile_again_Then_it_takes_under_a_second()
    {
        TinyHomework.Compile(GoodHomework, GoodTests);

        var clock = Stopwatch.StartNew();
        var result = TinyHomework.Compile(GoodHomework.Replace("a + b", "b + a"), GoodTests);
        clock.Stop();
        TestContext.Out.WriteLine($"warm compile of a homework and its tests: {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.That(result.Success, Is.True);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }
    [Test]
    public void Given_more_signatures_than_the_cache_holds_When_one_keeps_being_used_Then_its_suite_is_never_compiled_again()
    {
        // A batch: most students keep the starter's signatures, some change them. Before, a full cache was cleared whole,
        // and the suite the most students share was compiled again with the next.
        var tests = GoodTests.Replace("ArithmeticTests", $"ArithmeticTests{Guid.NewGuid():N}", StringComparison.Ordinal);
        var shared = TinyHomework.Compile(GoodHomework, tests).TestSuites[0];

        for (var i = 0; i < 34; i++)
        {
            var changed = TinyHomework.Compile(GoodHomework.Replace("=> a + b;", $"=> a + b; public static int Extra{i}() => {i};", StringComparison.Ordinal), tests);
            Assert.That(changed.TestSuites[0], Is.Not.SameAs(shared), "a changed signature compiles the suite anew");
            Assert.That(TinyHomework.Compile(GoodHomework, tests).TestSuites[0], Is.SameAs(shared), $"the shared suite is still cached after {i + 1} others");
        }
    }

    [Test]
    public void Given_two_homeworks_with_the_same_signatures_When_compiled_Then_the_test_suite_is_compiled_once_and_a_new_signature_compiles_it_again()
    {
        // Unique tests text, so that no other test of this run has filled the cache with this suite.
        var tests = GoodTests.Replace("ArithmeticTests", $"ArithmeticTests{Guid.NewGuid():N}", StringComparison.Ordinal);
        var other = GoodHomework.Replace("=> a + b;", "=> b + a + Helper(); static int Helper() => 0;", StringComparison.Ordinal);
        var wider = GoodHomework.Replace("=> a + b;", "=> a + b; public static int Twice(int a) => 2 * a;", StringComparison.Ordinal);

        var first = TinyHomework.Compile(GoodHomework, tests);
        var sameSurface = TinyHomework.Compile(other, tests);
        var newSurface = TinyHomework.Compile(wider, tests);

        Assert.That(first.Success && sameSurface.Success && newSurface.Success, Is.True);
        Assert.That(sameSurface.TestSuites[0], Is.SameAs(first.TestSuites[0]), "other method bodies and a private helper: the suite compiled for the first is reused");
        Assert.That(sameSurface.Homework.Assembly!.Image, Is.Not.EqualTo(first.Homework.Assembly!.Image), "the homework itself is compiled anew");
        Assert.That(newSurface.TestSuites[0], Is.Not.SameAs(first.TestSuites[0]), "a new public method: the suite is compiled again");
    }
}
