using Course.GitHub.Batch;
using Course.GitHub.Tests.Fake;
using Course.Grader.Batch;
using static Course.Grader.Batch.SubmissionTimeSource;

namespace Course.GitHub.Tests.Batch;

/// <summary>
/// <see cref="OrgSource"/> over a class of 20 repositories: the commit graded is the last one on main pushed by the
/// student's deadline, by GitHub's push time (a forged commit date does not help), by commit date only where no push was
/// logged; later work is flagged.
/// </summary>
public class OrgSourceTests
{
    ClassOf2025 course = null!;
    readonly List<TimeSpan> waits = [];

    [OneTimeSetUp]
    public void MakeClass() => course = SharedClass.Course;

    [SetUp]
    public void Reset()
    {
        course.GitHub.StopFailing();
        course.GitHub.ClearRequests();
        waits.Clear();
    }

    GitHubApi Api(string token = FakeGitHub.Token) =>
        new(GitHubApi.Connect(token, course.GitHub.ApiUrl).Client) { Wait = (w, _) => { waits.Add(w); return Task.CompletedTask; } };

    OrgSource Source(string token = FakeGitHub.Token) => new(Api(token), ClassOf2025.Org, ClassOf2025.Prefix);

    [Test]
    public async Task Given_the_class_at_the_deadline_When_listed_Then_each_student_gets_the_last_commit_pushed_by_their_deadline()
    {
        var listed = await Source().ListAsync(course.Policy, CancellationToken.None);

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
            SourceTable.Line("mallory", "reference", Pushed, false, 0),
            SourceTable.Line("oscar", "partial", Pushed, true, 1),
            SourceTable.Line("peggy", "partial", Pushed, false, 0),
            SourceTable.Line("team-rocket", "partial", Pushed, false, 0),
            SourceTable.Line("trent", "reference", Pushed, false, 0),
            SourceTable.Line("victor", "reference", Pushed, false, 0),
            SourceTable.Line("walter", "partial", Pushed, false, 0),
            SourceTable.Line("xavier", "reference", Pushed, false, 0),
            SourceTable.Line("yolanda", "reference", Pushed, false, 0),
            SourceTable.Line("zoe", "reference", Pushed, false, 0),
        }));
    }

    [Test]
    public async Task Given_a_commit_dated_before_the_deadline_but_pushed_after_When_listed_Then_the_push_time_decides()
    {
        var erin = (await Source().ListAsync(course.Policy, CancellationToken.None)).Single(s => s.Student == "erin");

        var forged = await Api().Client.Repository.Commit.Get(ClassOf2025.Org, ClassOf2025.Prefix + "erin", course.Sha("erin", "forged"));
        Assert.That(forged.Commit.Committer.Date, Is.LessThan(ClassOf2025.Deadline), "the forged commit claims to be on time");
        Assert.That(erin.Commit, Is.EqualTo(course.Sha("erin", "partial")));
        Assert.That(erin.SubmittedAt, Is.EqualTo(ClassOf2025.Deadline.AddDays(-1)));
        Assert.That(erin.TimeSource, Is.EqualTo(Pushed));
    }

    [Test]
    public async Task Given_no_deadline_When_listed_Then_each_branch_head_is_graded_with_its_push_time_where_known()
    {
        var listed = (await Source().ListAsync(DeadlinePolicy.None, CancellationToken.None)).ToDictionary(s => s.Student);

        Assert.That(SourceTable.Lines(course, [listed["dave"], listed["erin"], listed["frank"], listed["ivan"]]), Is.EqualTo(new[]
        {
            SourceTable.Line("dave", "reference", Pushed, false, 0),
            SourceTable.Line("erin", "forged", Pushed, false, 0),
            SourceTable.Line("frank", "reference", Committed, false, 0),
            SourceTable.Line("ivan", "reference", Pushed, false, 0),
        }));
        Assert.That(listed["dave"].SubmittedAt, Is.EqualTo(ClassOf2025.Deadline.AddHours(2)));
    }

    [Test]
    public async Task Given_an_org_of_133_repositories_When_listed_Then_every_page_is_read_and_only_student_repositories_are_kept()
    {
        var listed = await Source().ListAsync(course.Policy, CancellationToken.None);

        Assert.That(listed.Select(s => s.Repository), Has.All.StartWith("course-2025/hw3-attention-"));
        Assert.That(listed.Select(s => s.Student), Does.Not.Contain("template"), "the template repository is no student's");
        Assert.That(listed, Has.Count.EqualTo(20));
        Assert.That(course.GitHub.Requests.Where(r => r.Path == "/orgs/course-2025/repos").Select(r => r.Query),
            Is.EqualTo(new[] { "?per_page=100", "?per_page=100&page=2" }));
    }

    [Test]
    public async Task Given_a_wrong_token_When_listed_Then_it_fails_as_unauthorized_rather_than_as_problems_of_students()
    {
        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => Source("ghp_expired").ListAsync(course.Policy, CancellationToken.None));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Unauthorized));
        Assert.That(failure.Message, Does.Contain("while listing the repositories of course-2025"));
    }

    [Test]
    public async Task Given_an_unknown_org_When_listed_Then_it_fails_as_not_found()
    {
        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => new OrgSource(Api(), "no-such-org", ClassOf2025.Prefix).ListAsync(course.Policy, CancellationToken.None));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.NotFound));
    }

    [Test]
    public async Task Given_GitHub_dropping_connections_while_reading_histories_When_listed_Then_it_fails_as_a_network_failure()
    {
        course.GitHub.Fail(FakeFailure.DropConnection, when: r => r.Path.EndsWith("/activity", StringComparison.Ordinal));

        var failure = await Assert.ThrowsAsync<GitHubFailure>(() => Source().ListAsync(course.Policy, CancellationToken.None));

        Assert.That(failure!.Kind, Is.EqualTo(GitHubFailureKind.Network));
        Assert.That(failure.Message, Does.Match("while reading the push activity of course-2025/hw3-attention-"));
    }

    [Test]
    public async Task Given_a_rate_limit_midway_When_listed_Then_it_waits_once_and_lists_everyone()
    {
        course.GitHub.Fail(FakeFailure.TooManyRequests, times: 1, when: r => r.Path.EndsWith("/commits", StringComparison.Ordinal), retryAfterSeconds: 2);

        var listed = await Source().ListAsync(course.Policy, CancellationToken.None);

        Assert.That(waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(2) }));
        Assert.That(listed, Has.Count.EqualTo(20));
        Assert.That(listed.Count(s => s.Problem is null), Is.EqualTo(18));
    }
}
