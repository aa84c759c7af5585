using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

/// <summary>
/// A report holds at most <see cref="ScoreStage.MaxAnnotations"/> annotations, failures first: how many places a submission
/// has is the student's to choose (a banned call, a stub or a compile error per line), and every annotation goes into the
/// gradebook and, 50 to a request, to GitHub.
/// </summary>
public class AnnotationLimitTests
{
    static Annotation At(AnnotationLevel level, int line) => new(level, "AttentionHead.cs", line, 1, level.ToString(), $"line {line}");

    [Test]
    public void Given_as_many_annotations_as_the_limit_Then_all_are_kept_and_the_summary_says_nothing_of_it()
    {
        var found = Enumerable.Range(1, ScoreStage.MaxAnnotations).Select(line => At(AnnotationLevel.Warning, line)).ToList();

        var report = ScoreStage.Score(Input([Passed(Test("Forward_IsCausal", points: 1))], annotations: found));

        Assert.That(report.Annotations, Is.EqualTo(found));
        Assert.That(report.Summary, Is.EqualTo("1/1 points; 1 of 1 tests passed."));
    }

    [Test]
    public void Given_more_than_the_limit_Then_failures_are_kept_first_each_kind_in_the_order_found_and_the_summary_says_how_many_were_left_out()
    {
        // 3,000 stub warnings, then 20 failures, then 5 notices.
        var found = Enumerable.Range(1, 3000).Select(line => At(AnnotationLevel.Warning, line))
            .Concat(Enumerable.Range(5001, 20).Select(line => At(AnnotationLevel.Failure, line)))
            .Concat(Enumerable.Range(6001, 5).Select(line => At(AnnotationLevel.Notice, line)))
            .ToList();

        var report = ScoreStage.Score(Input([Passed(Test("Forward_IsCausal", points: 1))], annotations: found));

        Assert.That(report.Annotations.Select(a => a.Line),
            Is.EqualTo(Enumerable.Range(1, ScoreStage.MaxAnnotations - 20).Concat(Enumerable.Range(5001, 20))), "the 20 failures, then the first 30 warnings, in the order found");
        Assert.That(report.Summary, Does.EndWith(" Only 50 of the 3,025 places found are annotated, failures first."));
    }
}
