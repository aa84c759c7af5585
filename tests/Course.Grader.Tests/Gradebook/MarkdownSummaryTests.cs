using Course.Gradebook.Export;
using Snapshooter.NUnit;

namespace Course.Grader.Tests.Gradebook;

/// <summary>The class summary: statistics over the students with a grade, and a pass rate per test, hardest first.</summary>
public class MarkdownSummaryTests
{
    [Test]
    public void Given_a_small_class_When_summarised_Then_the_markdown_matches_the_reviewed_snapshot()
    {
        var summary = GradebookSummary.Of(GradebookEntries.Assignment, GradebookEntries.SmallClass());

        Snapshot.Match(MarkdownSummary.Write(summary));
    }

    [Test]
    public void Given_a_class_with_a_grader_error_When_summarised_Then_the_error_is_counted_but_not_scored_and_a_missing_submission_scores_zero()
    {
        var summary = GradebookSummary.Of(GradebookEntries.Assignment, GradebookEntries.SmallClass());

        Assert.That((summary.Students, summary.Graded, summary.GraderErrors, summary.NoSubmission), Is.EqualTo((5, 4, 1, 1)));
        Assert.That(summary.Mean, Is.EqualTo((100 + 50 + 0 + 0) / 4.0));
        Assert.That(summary.Median, Is.EqualTo(25), "the mean of the middle two of 0, 0, 50, 100");
        Assert.That((summary.Min, summary.Max, summary.Passing, summary.Late), Is.EqualTo((0.0, 100.0, 2, 1)));
        Assert.That(summary.Tests.Select(t => (t.Name, t.Passed, t.Ran)), Is.EqualTo(new[]
        {
            ("AttentionTests.Scores_AreScaled", 1, 3),
            ("TransformerTests.Residual_IsAdded", 1, 3),
            ("CausalMaskTests.Masks_TheFuture", 2, 3),
            ("MultiHeadTests.Heads_Concatenate", 2, 3),
        }));
    }
}
