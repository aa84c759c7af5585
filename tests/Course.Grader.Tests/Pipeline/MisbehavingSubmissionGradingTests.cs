using Course.Grader.Score;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// Submissions whose code misbehaves when run: it hangs, overflows the stack, eats memory, floods the console or
/// computes NaN. The grader stops the culprit under short limits (5 s, 1 GB), says why in words a student can act on,
/// and every other test keeps the result it has with the reference. Code that would end the process is refused before
/// it runs.
/// </summary>
[NonParallelizable]
public class MisbehavingSubmissionGradingTests
{
    readonly TempFolder scratch = new();
    readonly Dictionary<string, GradeReport> graded = [];
    GradeReport reference = null!;

    [OneTimeSetUp]
    public async Task GradeAll()
    {
        reference = await ReferencePublicAsync();
        foreach (var name in new[] { "infinite-loop", "stack-overflow", "exit-at-run-time", "memory-hog", "stdout-flood", "nan-scores" })
            graded[name] = await GradeCaseAsync(name, scratch.Path);
    }

    [OneTimeTearDown]
    public void DeleteScratch() => scratch.Dispose();

    [Test]
    public void Given_an_infinite_loop_in_one_function_When_graded_Then_its_test_times_out_and_the_others_pass()
    {
        var report = graded["infinite-loop"];

        AssertOnlyCulpritFails(report, SinusoidalForwardTest);
        Assert.That(report.Test(SinusoidalForwardTest).Message, Is.EqualTo("timed out after 5 s of CPU time"));
    }

    [Test]
    public void Given_infinite_recursion_When_graded_Then_its_test_fails_with_a_stack_overflow_message_and_the_others_keep_their_results()
    {
        var report = graded["stack-overflow"];

        AssertOnlyCulpritFails(report, SinusoidalForwardTest);
        Assert.That(report.Test(SinusoidalForwardTest).Message, Does.StartWith("the test process crashed").And.Contain("stack overflow"));
    }

    [Test]
    public void Given_Environment_Exit_in_the_code_When_graded_Then_the_submission_is_refused_before_it_can_end_anything()
    {
        var report = graded["exit-at-run-time"];
        var line = LineOf("exit-at-run-time", "SinusoidalPositionalEmbedding.cs", "Environment.Exit(0)");

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe);
        Assert.That(report.Tests.Select(t => t.FullName), Is.EqualTo(reference.Tests.Select(t => t.FullName)), "every test is still listed");
        Assert.That(report.Tests.Select(t => t.Message), Has.All.EqualTo(
            $"Not run: it uses System.Environment.Exit(int) at SinusoidalPositionalEmbedding.cs:{line}, which homework code may not. " +
            "Homework code may not end the process; throw an exception or return instead."));
        Assert.That(report.Annotations.Select(a => (a.Level, a.File, a.Line, a.Title)),
            Is.EqualTo(new[] { (AnnotationLevel.Failure, "SinusoidalPositionalEmbedding.cs", line, "not allowed: System.Environment.Exit(int)") }));
    }

    [Test]
    public void Given_a_memory_hog_When_graded_Then_its_test_is_stopped_at_the_memory_cap_and_the_others_pass()
    {
        var report = graded["memory-hog"];

        AssertOnlyCulpritFails(report, SinusoidalForwardTest);
        Assert.That(report.Test(SinusoidalForwardTest).Message, Does.StartWith("exceeded the memory limit of 1024 MB (the test process used "));
    }

    [Test]
    public void Given_a_stdout_flood_When_graded_Then_each_tests_output_is_cut_to_a_few_KB_and_the_grade_is_unaffected()
    {
        var report = graded["stdout-flood"];

        Assert.That(report.Score, Is.EqualTo(reference.Score), report.Describe);
        Assert.That(report.Outcomes(), Is.EqualTo(reference.Outcomes()));
        var flooded = report.Test("CausalMaskTests.Apply_DoesNotModifyItsInput").Output;
        Assert.That(flooded, Does.StartWith("debug: masking 4x4 scores, line 0\n").And.Contain("[cut: "));
        Assert.That(report.Tests.Select(t => t.Output.Length), Has.All.LessThan(5000));
    }

    [Test]
    public void Given_scores_divided_by_zero_When_graded_Then_the_scores_test_reports_the_NaN_and_Inf_counts()
    {
        var report = graded["nan-scores"];

        var scores = report.Test("AttentionTests.Scores_AreDotProductsDividedBySqrtDHead");

        Assert.That(scores.Passed, Is.False);
        Assert.That(scores.Message, Does.Contain("got +inf at [0, 0] where 2.5 was expected").And.Contain("got 3 NaN, 2 +inf and 1 -inf; expected 0 NaN, 0 +inf and 0 -inf").And.Contain("division by zero"));
        Assert.That(report.Test("CausalMaskTests.Apply_DoesNotModifyItsInput").Passed, Is.True, "code that never calls Scores is unaffected");
    }

    /// <summary>The grade went on after the culprit: it alone lost its points, every other test ended as with the reference.</summary>
    void AssertOnlyCulpritFails(GradeReport report, string culprit)
    {
        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe);
        Assert.That(report.Tests.Select(t => t.FullName), Is.EqualTo(reference.Tests.Select(t => t.FullName)), "every test has a result");
        Assert.That(report.Test(culprit).Score, Is.Zero);
        Assert.That(report.Outcomes(culprit), Is.EqualTo(reference.Outcomes(culprit)), report.Describe);
        Assert.That(report.Score, Is.EqualTo(reference.Score - report.Test(culprit).MaxScore));
    }
}
