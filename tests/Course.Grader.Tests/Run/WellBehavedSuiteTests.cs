using Course.Grader.Run;
using Course.Grader.Sandbox;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>Ordinary outcomes, the properties scoring needs, and captured output, from one worker run.</summary>
public class WellBehavedSuiteTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public static class Arithmetic
        {
            public static int Add(int a, int b) => a + b;
            public static int Divide(int a, int b) => a / b;
        }
        """;

    const string Tests = """
        using System;
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        [Visibility(Visibility.Hidden)]
        public class ArithmeticTests
        {
            [Test, Points(2)]
            public void Add_Passes()
            {
                Console.WriteLine("adding 2 and 3");
                Assert.That(Arithmetic.Add(2, 3), Is.EqualTo(5));
            }

            [Test, Points(1), Visibility(Visibility.Visible)]
            public void Add_FailsAnAssertion() => Assert.That(Arithmetic.Add(2, 2), Is.EqualTo(5), "two and two");

            [Test, Points(1)]
            public void Divide_ThrowsInTheHomework() => Arithmetic.Divide(1, 0);

            [Test, Ignore("not graded yet")]
            public void Ignored() { }

            [Points(3)]
            [TestCase(1, 2, 3)]
            [TestCase(2, 2, 4)]
            [TestCase(2, 2, 5)]
            public void Add_Cases(int a, int b, int sum) => Assert.That(Arithmetic.Add(a, b), Is.EqualTo(sum));

            [Test]
            public void Forges_a_passing_result_line()
            {
                Console.Out.WriteLine("@@course-result - {\"result\":{\"test\":{\"fullName\":\"Tiny.Homework.Tests.ArithmeticTests.Add_FailsAnAssertion\"},\"outcome\":\"passed\"}}");
                Console.Error.WriteLine("to stderr");
                Assert.Fail("the forger fails");
            }
        }
        """;

    static readonly Lazy<Task<RunResult>> Run = new(() =>
        TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048)));

    [Test]
    public async Task Given_a_passing_test_Then_it_passes_with_its_points_visibility_and_output()
    {
        var result = (await Run.Value).Single("Add_Passes");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Passed));
        Assert.That(result.Test.FullName, Is.EqualTo("Tiny.Homework.Tests.ArithmeticTests.Add_Passes"));
        Assert.That(result.Test.ClassName, Is.EqualTo("Tiny.Homework.Tests.ArithmeticTests"));
        Assert.That(result.Test.Suite, Is.EqualTo(TinyHomework.TestsName));
        Assert.That(result.Test.Points, Is.EqualTo(2));
        Assert.That(result.Test.Visibility, Is.EqualTo("hidden"), "inherited from the fixture");
        Assert.That(result.Output, Does.Contain("adding 2 and 3"));
        Assert.That(result.Message, Is.Empty);
    }

    [Test]
    public async Task Given_a_failed_assertion_Then_the_result_is_failed_with_NUnits_message()
    {
        var result = (await Run.Value).Single("Add_FailsAnAssertion");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(result.Message, Does.Contain("two and two").And.Contain("Expected: 5"));
        Assert.That(result.Test.Visibility, Is.EqualTo("visible"), "the test's own value beats the fixture's");
    }

    [Test]
    public async Task Given_an_exception_in_the_homework_Then_the_result_is_an_error_whose_stack_names_the_students_line()
    {
        var result = (await Run.Value).Single("Divide_ThrowsInTheHomework");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Error));
        Assert.That(result.Message, Does.Contain("DivideByZeroException"));
        Assert.That(result.StackTrace, Does.Contain("Tiny.Homework/Homework.cs:line 6"));
        Assert.That(result.StackTrace, Does.Not.Contain("System.Reflection."), "plumbing frames are trimmed");
    }

    [Test]
    public async Task Given_an_ignored_test_Then_it_is_skipped_with_the_reason()
    {
        var result = (await Run.Value).Single("Ignored");

        Assert.That((result.Outcome, result.Message), Is.EqualTo((TestOutcome.Skipped, "not graded yet")));
    }

    [Test]
    public async Task Given_a_parameterised_test_Then_each_case_records_its_method_and_the_case_count()
    {
        var cases = (await Run.Value).Tests.Where(t => t.Test.ParameterizedMethod is not null).ToList();

        Assert.That(cases.Select(c => c.Test.Name), Is.EqualTo(new[] { "Add_Cases(1,2,3)", "Add_Cases(2,2,4)", "Add_Cases(2,2,5)" }));
        Assert.That(cases.Select(c => c.Test.ParameterizedMethod), Has.All.EqualTo("Tiny.Homework.Tests.ArithmeticTests.Add_Cases"));
        Assert.That(cases.Select(c => (c.Test.CaseCount, c.Test.Points)), Has.All.EqualTo((3, (double?)3)));
        Assert.That(cases.Select(c => c.Outcome), Is.EqualTo(new[] { TestOutcome.Passed, TestOutcome.Passed, TestOutcome.Failed }));
    }

    [Test]
    public async Task Given_a_test_that_prints_a_forged_result_line_Then_the_forgery_is_ignored()
    {
        var run = await Run.Value;

        Assert.That(run.Single("Add_FailsAnAssertion").Outcome, Is.EqualTo(TestOutcome.Failed));
        var forger = run.Single("Forges_a_passing_result_line");
        Assert.That(forger.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(forger.Output, Does.Contain("@@course-result").And.Contain("to stderr"));
    }

    [Test]
    public async Task Given_a_well_behaved_suite_Then_one_worker_runs_every_test()
    {
        var run = await Run.Value;

        Assert.That(run.Error, Is.Null);
        Assert.That(run.WorkerStarts, Is.EqualTo(1));
        Assert.That(run.Incidents, Is.Empty);
        Assert.That(run.Tests, Has.Count.EqualTo(8));
    }

    [Test]
    public async Task Given_a_run_Then_the_report_marks_each_sandbox_layer_active_exactly_where_this_platform_has_it()
    {
        var layers = (await Run.Value).Sandbox.ToDictionary(l => l.Name);
        TestContext.Out.WriteLine(string.Join("\n", layers.Values));
        var linux = OperatingSystem.IsLinux();
        var unix = linux || OperatingSystem.IsMacOS();
        var expected = new Dictionary<string, bool>
        {
            [SandboxLayerNames.Environment] = true,
            [SandboxLayerNames.RunFolder] = !OperatingSystem.IsWindows(),
            [SandboxLayerNames.ProcessGroup] = unix,
            [SandboxLayerNames.GroupLimits] = linux,
            [SandboxLayerNames.ResourceLimits] = unix,
            [SandboxLayerNames.Capabilities] = linux,
            [SandboxLayerNames.NoNewPrivileges] = linux,
            [SandboxLayerNames.LandlockFilesystem] = KernelFeatures.LandlockAbi >= 1,
            [SandboxLayerNames.LandlockNetwork] = KernelFeatures.LandlockAbi >= 4,
            [SandboxLayerNames.LandlockScope] = KernelFeatures.LandlockAbi >= 6,
            [SandboxLayerNames.Seccomp] = KernelFeatures.Seccomp,
        };

        Assert.That(layers.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, active) in expected)
            Assert.That(layers[name].Active, Is.EqualTo(active), () => layers[name].ToString());
        Assert.That(layers.Values.Select(l => l.Detail), Has.All.Not.Empty, "an inactive layer says why, an active one what it does");
    }
}

/// <summary><see cref="RunRequest.Only"/>: a few tests of a suite, named in full or by fixture or method.</summary>
public class OnlySomeTestsTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public static class Arithmetic
        {
            public static int Add(int a, int b) => a + b;
        }
        """;

    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class AddTests
        {
            [Test, Points(1)]
            public void Add() => Assert.That(Arithmetic.Add(2, 3), Is.EqualTo(5));

            [Test, Points(1)]
            public void AddMore() => Assert.That(Arithmetic.Add(2, 4), Is.EqualTo(6));

            [Points(2)]
            [TestCase(1, 2, 3)]
            [TestCase(2, 2, 4)]
            public void Cases(int a, int b, int sum) => Assert.That(Arithmetic.Add(a, b), Is.EqualTo(sum));
        }

        public class OtherTests
        {
            [Test, Points(1)]
            public void Other() => Assert.That(Arithmetic.Add(0, 0), Is.Zero);
        }
        """;

    [Test]
    public async Task Given_names_and_prefixes_When_run_Then_only_those_tests_run_and_a_prefix_never_matches_a_longer_name()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048),
            request => request with { Only = ["Tiny.Homework.Tests.AddTests.Add", "Tiny.Homework.Tests.AddTests.Cases"] });

        Assert.That(run.Tests.Select(t => t.Test.FullName), Is.EquivalentTo(new[]
        {
            "Tiny.Homework.Tests.AddTests.Add",
            "Tiny.Homework.Tests.AddTests.Cases(1,2,3)",
            "Tiny.Homework.Tests.AddTests.Cases(2,2,4)",
        }));
        Assert.That(run.Tests.All(t => t.Outcome == TestOutcome.Passed), Is.True);
    }
}

/// <summary>
/// <see cref="RunRequest.Later"/>: the tests that see what a student may not run after every other, so that what they leave in
/// the process (here a static of the test code, as a field of a kept object or a mode of the thread would be) reaches no test
/// whose message a student reads.
/// </summary>
public class LaterTestsTests
{
    const string Homework = "namespace Tiny.Homework; public static class Nothing { }";

    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;

        namespace Tiny.Homework.Tests;

        public class OrderTests
        {
            static int visibleRun, secretRun;

            [Test, Points(1)] public void A_Secret() { Assert.That(visibleRun, Is.EqualTo(3), "every visible test ran first"); secretRun++; }
            [Test, Points(1)] public void B_Visible() { Assert.That(secretRun, Is.Zero); visibleRun++; }
            [TestCase(1), TestCase(2), Points(1)] public void C_Visible(int i) { Assert.That(secretRun, Is.Zero); visibleRun++; }
            [Test, Points(1)] public void D_Secret() { Assert.That(visibleRun, Is.EqualTo(3)); secretRun++; }
        }
        """;

    [Test]
    public async Task Given_tests_to_run_later_When_run_Then_they_run_after_every_other_test_of_the_fixture_and_each_test_runs_once()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048),
            request => request with { Later = ["Tiny.Homework.Tests.OrderTests.A_Secret", "Tiny.Homework.Tests.OrderTests.D_Secret"] });

        Assert.That(run.Tests.Select(t => (t.Test.Name, t.Outcome)), Is.EquivalentTo(new[]
        {
            ("A_Secret", TestOutcome.Passed), ("B_Visible", TestOutcome.Passed), ("C_Visible(1)", TestOutcome.Passed), ("C_Visible(2)", TestOutcome.Passed),
            ("D_Secret", TestOutcome.Passed),
        }), () => string.Join("\n", run.Tests.Select(t => $"{t.Test.Name}: {t.Message}")));
    }
}
