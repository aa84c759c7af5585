using Course.Grader.Compile;
using Course.Grader.Run;

namespace Course.Grader.Tests.Compile;

/// <summary>A wrong or missing API in the student's code costs only the tests that touch it.</summary>
public class TestIsolationTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public sealed class Head
        {
            public int Forward(int x) => x;
        }
        """;

    const string Tests = """
        using NUnit.Framework;
        using Tiny.Homework;
        using Tiny.Homework.Missing;

        namespace Tiny.Homework.Tests;

        public class HeadTests
        {
            [Test]
            public void Forward_Works() => Assert.That(new Head().Forward(2), Is.EqualTo(2));

            [Test]
            public void Scale_Works() => Assert.That(new Head().Scale(2), Is.EqualTo(4));

            [Test]
            public void Through_a_helper() => Assert.That(Helper(), Is.EqualTo(1));

            [Test]
            public void Through_a_removed_helper() => Assert.That(MadeByARemovedHelper(), Is.Not.Null);

            [TestCase(1)]
            public void Takes_a_missing_type(Config config) { }

            static int Helper() => new Head().Backward(1);

            static Config MadeByARemovedHelper() => new Config();
        }

        public class InitializerTests
        {
            readonly int bias = Head.Bias;

            [Test]
            public void Uses_the_bias() => Assert.That(bias, Is.Zero);
        }

        public class DerivedTests : MissingBase
        {
            [Test]
            public void Inherits() { }
        }
        """;

    [Test]
    public void Given_tests_that_touch_missing_members_When_compiled_Then_only_those_members_are_cut_off_and_the_suite_compiles()
    {
        var suite = TinyHomework.Compile(Homework, Tests).TestSuites.Single();

        Assert.That(suite.Success, Is.True, () => string.Join("\n", suite.Diagnostics));
        Assert.That(suite.Isolated.Select(m => (m.Member, m.Kind)), Is.EquivalentTo(new[]
        {
            ("using Tiny.Homework.Missing", IsolationKind.Removed),
            ("Tiny.Homework.Tests.HeadTests.Scale_Works", IsolationKind.FailsWhenRun),
            ("Tiny.Homework.Tests.HeadTests.Takes_a_missing_type", IsolationKind.Removed),
            ("Tiny.Homework.Tests.HeadTests.Helper", IsolationKind.FailsWhenRun),
            ("Tiny.Homework.Tests.HeadTests.MadeByARemovedHelper", IsolationKind.Removed),
            ("Tiny.Homework.Tests.HeadTests.Through_a_removed_helper", IsolationKind.FailsWhenRun),
            ("Tiny.Homework.Tests.InitializerTests.bias", IsolationKind.FailsWhenRun),
            ("Tiny.Homework.Tests.DerivedTests", IsolationKind.Removed),
        }));
        var scale = suite.Isolated.Single(m => m.Member.EndsWith("Scale_Works", StringComparison.Ordinal)).Cause;
        Assert.That((scale.File, scale.Line, scale.Id), Is.EqualTo(("Tiny.Homework.Tests/HomeworkTests.cs", 13, "CS1061")));
        Assert.That(scale.Message, Does.Contain("'Head' does not contain a definition for 'Scale'"));
    }

    [Test]
    public async Task Given_isolated_tests_When_run_Then_untouched_tests_pass_and_touched_ones_fail_with_the_compiler_message()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60), 2048));

        Assert.That(run.Single("Forward_Works").Outcome, Is.EqualTo(TestOutcome.Passed));
        var scale = run.Single("Scale_Works");
        Assert.That(scale.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(scale.Message, Does.StartWith("Tiny.Homework.Tests.HeadTests.Scale_Works does not compile against your code: Tiny.Homework.Tests/HomeworkTests.cs(13,"));
        Assert.That(scale.Message, Does.Contain("'Head' does not contain a definition for 'Scale'"));
        Assert.That(run.Single("Through_a_helper").Message, Does.Contain("Helper does not compile against your code").And.Contain("'Backward'"));
        Assert.That(run.Single("Through_a_removed_helper").Message, Does.Contain("it uses Tiny.Homework.Tests.HeadTests.MadeByARemovedHelper, which was removed").And.Contain("'Config'"));
        Assert.That(run.Single("Uses_the_bias").Outcome, Is.Not.EqualTo(TestOutcome.Passed));
        Assert.That(run.Single("Uses_the_bias").Message, Does.Contain("bias does not compile against your code"));
        Assert.That(run.Tests.Select(t => t.Test.Name), Has.None.EqualTo("Inherits").And.None.StartsWith("Takes_a_missing_type"));
    }
}
