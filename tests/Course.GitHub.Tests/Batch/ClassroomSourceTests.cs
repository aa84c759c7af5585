using Course.GitHub.Batch;
using Course.GitHub.Tests.Fake;
using Course.Grader.Batch;
using static Course.Grader.Batch.SubmissionTimeSource;

namespace Course.GitHub.Tests.Batch;

/// <summary>
/// <see cref="ClassroomSource"/>: the students and repositories GitHub Classroom lists for an assignment, a group as its
/// members joined with '+', the assignment's own deadline when none is given, and the same deadline rules as for an org.
/// </summary>
public class ClassroomSourceTests
{
    ClassOf2025 course = null!;

    [OneTimeSetUp]
    public void MakeClass() => course = SharedClass.Course;

    [SetUp]
    public void Reset()
    {
        course.GitHub.StopFailing();
        course.GitHub.ClearRequests();
    }

    ClassroomSource Source(long assignment = ClassOf2025.ClassroomAssignmentId) =>
        new(GitHubApi.Connect(FakeGitHub.Token, course.GitHub.ApiUrl), assignment);

    [Test]
    public async Task Given_no_deadline_of_our_own_When_listed_Then_the_classroom_deadline_picks_each_commit()
    {
        var listed = await Source().ListAsync(DeadlinePolicy.None, CancellationToken.None);

        Assert.That(SourceTable.Lines(course, listed), Is.EqualTo(new[]
        {
            SourceTable.Line("alice", "reference", Pushed, false, 0),
            SourceTable.Line("bob", "partial", Pushed, false, 0),
            SourceTable.Line("carol", "broken", Pushed, false, 0),
            SourceTable.Line("dave", "partial", Pushed, true, 1),
            SourceTable.Line("erin", "partial", Pushed, true, 1),
            SourceTable.Line("frank", "partial", Committed, true, 1),
            SourceTable.Line("grace", "reference", Pushed, false, 0),
            SourceTable.Line("heidi", "starter", Committed, true, 1),
            SourceTable.Line("ivan", "-", None, true, 2, "nothing was on main by the deadline 2025-03-01 23:59:00Z"),
            SourceTable.Line("judy", "-", None, false, 0, "course-2025/hw3-attention-judy is empty"),
            SourceTable.Line("mallory", "partial", Pushed, true, 1),
            SourceTable.Line("nadia", "-", None, false, 0, "GitHub Classroom has no repository for this acceptance"),
            SourceTable.Line("oscar", "partial", Pushed, true, 1),
            SourceTable.Line("peggy", "partial", Pushed, false, 0),
            SourceTable.Line("rupert+sybil", "partial", Pushed, false, 0),
            SourceTable.Line("trent", "reference", Pushed, false, 0),
            SourceTable.Line("victor", "reference", Pushed, false, 0),
            SourceTable.Line("yolanda", "reference", Pushed, false, 0),
            SourceTable.Line("zoe", "reference", Pushed, false, 0),
        }));
        Assert.That(listed.Single(s => s.Student == "rupert+sybil").Repository, Is.EqualTo("course-2025/hw3-attention-team-rocket"));
        Assert.That(course.GitHub.Requests.Select(r => r.ToString()), Has.Some.EqualTo($"GET /assignments/{ClassOf2025.ClassroomAssignmentId}/accepted_assignments?per_page=100"));
    }

    [Test]
    public async Task Given_a_deadline_and_an_extension_of_our_own_When_listed_Then_they_override_the_classroom_deadline()
    {
        var later = new DeadlinePolicy(ClassOf2025.Deadline.AddHours(3), new Dictionary<string, DateTimeOffset> { ["mallory"] = ClassOf2025.Deadline.AddDays(1) });

        var listed = (await Source().ListAsync(later, CancellationToken.None)).ToDictionary(s => s.Student);

        Assert.That(SourceTable.Lines(course, [listed["dave"], listed["erin"], listed["mallory"]]), Is.EqualTo(new[]
        {
            SourceTable.Line("dave", "reference", Pushed, false, 0),
            SourceTable.Line("erin", "partial", Pushed, true, 1),
            SourceTable.Line("mallory", "reference", Pushed, false, 0),
        }));
    }

    [Test]
    public async Task Given_an_unknown_assignment_When_listed_Then_it_fails_as_not_found()
    {
        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => Source(999).ListAsync(DeadlinePolicy.None, CancellationToken.None));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.NotFound));
        Assert.That(failure.Message, Does.Contain("while listing the accepted assignments of Classroom assignment 999"));
    }
}
