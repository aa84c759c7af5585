using Course.GitHub.Publish;
using Course.GitHub.Tests.Fake;
using Course.Grader.Workspace;

namespace Course.GitHub.Tests.Publish;

/// <summary>A fake GitHub with one student's repository (one commit, a "Feedback" pull request), and a publisher pointed at it.</summary>
public abstract class PublishFixture
{
    protected const string Owner = "course-2025";
    protected const string Name = "hw3-attention-alice";

    protected FakeGitHub GitHub = null!;
    protected FakeRepository Repo = null!;
    protected string Sha = "";
    protected int FeedbackNumber;
    protected readonly List<TimeSpan> Waits = [];
    string folder = "";
    StudentRepo repo = null!;

    /// <summary>The fake only reads the git repository, so one serves every test; the server is new for each.</summary>
    [OneTimeSetUp]
    public void CommitStudentWork()
    {
        folder = Directory.CreateTempSubdirectory("course-github-publish-").FullName;
        repo = StudentRepo.Init(Path.Combine(folder, Name));
        Sha = repo.Commit("my attention", Reports.GradedAt.AddHours(-3), Hw3Files.Partial);
    }

    [OneTimeTearDown]
    public void DeleteStudentWork() => Directory.Delete(folder, recursive: true);

    [SetUp]
    public void StartGitHub()
    {
        GitHub = new FakeGitHub();
        Repo = GitHub.AddRepository(Owner, Name, repo.Path);
        GitHub.AddPullRequest(Repo, "Setup", state: "closed", head: "setup", @base: "main");
        FeedbackNumber = GitHub.AddPullRequest(Repo, "Feedback").Number;
        Waits.Clear();
    }

    [TearDown]
    public void StopGitHub() => GitHub.Dispose();

    protected GitHubApi Api(string token = FakeGitHub.Token) =>
        Connect(token, GitHub.ApiUrl);

    protected GitHubApi Connect(string token, Uri apiUrl) =>
        new(GitHubApi.Connect(token, apiUrl).Client) { Wait = (wait, _) => { lock (Waits) Waits.Add(wait); return Task.CompletedTask; } };

    protected PublishTarget Target(int? issue = null) => new(Owner, Name, Sha, issue);

    protected static readonly StudentPaths Paths = StudentPaths.Default(Hw3Files.Manifest);
}
