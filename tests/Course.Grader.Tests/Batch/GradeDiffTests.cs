using Course.Grader.Batch;
using Course.Grader.Tests.Gradebook;

namespace Course.Grader.Tests.Batch;

/// <summary>A regrade's per-student diff: the scores and exactly the tests whose result moved.</summary>
public class GradeDiffTests
{
    [Test]
    public void Given_a_test_that_now_passes_and_one_that_now_fails_When_diffed_Then_both_are_listed_and_the_unchanged_one_is_not()
    {
        var old = GradebookEntries.Graded("bob", ("A", true), ("B", false), ("C", true));
        var now = GradebookEntries.Graded("bob", ("A", true), ("B", true), ("C", false));

        var diff = GradeDiff.Between(old, now);

        Assert.That(diff.ChangedTests, Is.EqualTo(new[]
        {
            new TestChange("B", false, true, 0, 10),
            new TestChange("C", true, false, 10, 0),
        }));
        Assert.That(diff.Changed, Is.True, "the score is the same, the tests are not");
    }

    [Test]
    public void Given_tests_added_and_removed_between_suites_When_diffed_Then_they_show_with_no_result_on_the_missing_side()
    {
        var diff = GradeDiff.Between(GradebookEntries.Graded("bob", ("Old", true)), GradebookEntries.Graded("bob", ("New", false)));

        Assert.That(diff.ChangedTests, Is.EqualTo(new[] { new TestChange("New", null, false, 0, 0), new TestChange("Old", true, null, 10, 0) }));
    }

    [Test]
    public void Given_the_same_grade_twice_When_diffed_Then_nothing_changed()
    {
        var grade = GradebookEntries.Graded("alice", ("A", true), ("B", false));

        Assert.That(GradeDiff.Between(grade, grade with { GradedAt = grade.GradedAt.AddDays(1) }).Changed, Is.False);
    }
}
