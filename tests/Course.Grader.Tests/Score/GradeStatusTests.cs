using Course.Grader.Run;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

public class GradeStatusTests
{
    [Test]
    public void Given_a_compile_failure_Then_every_test_scores_0_with_a_not_run_message_and_the_status_is_compile_error()
    {
        var tests = new[] { Test("Forward_IsCausal", points: 4), Test("Mask_HidesTheFuture", points: 3) };

        var report = ScoreStage.Score(Input(tests.Select(t => Passed(t)), compileFailure: "CS1002: ; expected"));

        Assert.That((report.Status, report.Score, report.MaxScore), Is.EqualTo((GradeStatus.CompileError, 0.0, 7.0)));
        Assert.That(report.Tests.Select(t => t.Message), Is.All.EqualTo("Not run: CS1002: ; expected"));
        Assert.That(report.Summary, Is.EqualTo("0/7 points; 0 of 2 tests passed. Your code did not compile, so no test could run: CS1002: ; expected"));
    }

    [TestCase(TestOutcome.Failed)]
    [TestCase(TestOutcome.Error)]
    [TestCase(TestOutcome.Skipped)]
    public void Given_an_outcome_other_than_passed_Then_the_test_scores_0(TestOutcome outcome)
    {
        var report = Graded(Failed(Test("Forward_IsCausal", points: 4), "it did not pass", outcome));

        Assert.That((report.Tests[0].Passed, report.Tests[0].Score, report.Tests[0].MaxScore), Is.EqualTo((false, 0.0, 4.0)));
        Assert.That(report.Tests[0].Message, Is.EqualTo("it did not pass"));
    }

    [Test]
    public void Given_passing_and_failing_tests_Then_score_max_and_summary_add_up()
    {
        var report = Graded(
            Passed(Test("Forward_IsCausal", points: 4)), Failed(Test("Mask_HidesTheFuture", points: 3)), Passed(Test("Init_IsSeeded", points: 0.5)));

        Assert.That((report.Status, report.Score, report.MaxScore), Is.EqualTo((GradeStatus.Graded, 4.5, 7.5)));
        Assert.That(report.Percent, Is.EqualTo(60));
        Assert.That(report.Summary, Is.EqualTo("4.5/7.5 points; 2 of 3 tests passed."));
    }

    [Test]
    public void Given_tests_in_any_order_Then_the_report_lists_them_by_suite_and_full_name()
    {
        var report = Graded(Passed(Test("B_Second")), Passed(Test("A_First")), Passed(Test("C_Third")));

        Assert.That(report.Tests.Select(t => t.Name), Is.EqualTo(new[] { "AttentionHeadTests.A_First", "AttentionHeadTests.B_Second", "AttentionHeadTests.C_Third" }));
    }

    [Test]
    public void Given_an_input_Then_the_report_carries_its_provenance_time_and_annotations()
    {
        var annotation = new Annotation(AnnotationLevel.Warning, "AttentionHead.cs", 3, 5, "still a stub", "Implement me.");

        var report = ScoreStage.Score(Input([Passed(Test("Forward_IsCausal"))], annotations: [annotation]));

        Assert.That((report.SchemaVersion, report.Assignment, report.Title), Is.EqualTo((GradeReport.CurrentSchemaVersion, "hw3-attention", "Attention from scratch")));
        Assert.That((report.Provenance, report.GradedAt), Is.EqualTo((FixedProvenance, GradedAt)));
        Assert.That(report.Annotations, Is.EqualTo(new[] { annotation }));
    }
}
