namespace Course.Grader.Tests.Manifest;

public partial class AssignmentManifestTests
{
    [Test]
    public void Given_a_due_date_with_an_offset_When_loaded_Then_hidden_tests_are_revealed_only_after_it()
    {
        var manifest = Load(MinimalManifest + "\ndue_date: 2026-12-01T23:59:00-05:00");

        Assert.That(manifest.DueDate, Is.EqualTo(new DateTimeOffset(2026, 12, 2, 4, 59, 0, TimeSpan.Zero)));
        Assert.That(manifest.IsPastDue(new DateTimeOffset(2026, 12, 2, 4, 58, 59, TimeSpan.Zero)), Is.False);
        Assert.That(manifest.IsPastDue(new DateTimeOffset(2026, 12, 2, 5, 0, 0, TimeSpan.Zero)), Is.True);
    }

    [Test]
    public void Given_no_due_date_When_loaded_Then_it_is_never_past_due()
    {
        var manifest = Load(MinimalManifest);
        Assert.That(manifest.DueDate, Is.Null);
        Assert.That(manifest.IsPastDue(DateTimeOffset.MaxValue), Is.False);
    }

    [TestCase("due_date: 2026-12-01")]
    [TestCase("due_date: 2026-12-01T23:59:00")]
    [TestCase("due_date: next friday")]
    public void Given_a_due_date_without_a_time_and_offset_When_loaded_Then_it_fails_saying_what_is_expected(string line) =>
        Assert.That(ProblemsOf(MinimalManifest + "\n" + line), Has.Some.Contains("'due_date' must be an ISO 8601 time with a UTC offset"));
}
