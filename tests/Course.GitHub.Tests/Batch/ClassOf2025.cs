using Course.GitHub.Tests.Fake;
using Course.Grader.Batch;

namespace Course.GitHub.Tests.Batch;

/// <summary>
/// A class of 20 students on a fake GitHub org, as GitHub Classroom leaves it at the deadline: each repository starts from the
/// starter, then holds the reference (correct), the bundled partial submission, or code that does not compile, pushed at
/// chosen times. Some stories test the deadline: a push after it, a commit date forged to before it, no push log at all,
/// only the template by the deadline, a repository made after it, an empty one, an extension, a force push, work on
/// another branch, and one whose tarball is damaged. The org also holds the template and 110 other repositories.
/// </summary>
public sealed class ClassOf2025 : IDisposable
{
    public const string Org = "course-2025";
    public const string Prefix = "hw3-attention-";
    public const long ClassroomAssignmentId = 731;

    public static readonly DateTimeOffset Deadline = new(2025, 3, 1, 23, 59, 0, TimeSpan.Zero);
    static readonly DateTimeOffset TemplateMade = new(2025, 2, 1, 12, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset Accepted = new(2025, 2, 15, 10, 0, 0, TimeSpan.Zero);

    readonly string folder = Directory.CreateTempSubdirectory("course-github-class-").FullName;
    readonly Dictionary<(string Repository, string Sha), string> labels = [];

    public FakeGitHub GitHub { get; } = new();

    /// <summary>mallory may hand in a day late.</summary>
    public DeadlinePolicy Policy { get; } = new(Deadline, new Dictionary<string, DateTimeOffset> { ["mallory"] = Deadline.AddDays(1) });

    public ClassOf2025()
    {
        for (var i = 0; i < 110; i++) GitHub.AddRepository(Org, $"hw1-lm-basics-s{i:000}", gitDirectory: null);
        var template = StudentRepo.Init(Path.Combine(folder, "template"));
        template.Commit("Initial commit", TemplateMade, Hw3Files.Starter);
        GitHub.AddRepository(Org, "hw3-attention-template", template.Path, isTemplate: true);

        Pushed("alice", ("reference", Hw3Files.Reference, Deadline.AddDays(-2), Deadline.AddDays(-2).AddMinutes(1)));
        Pushed("bob", ("partial", Hw3Files.Partial, Deadline.AddHours(-1), Deadline.AddHours(-1)));
        Pushed("carol", ("broken", Hw3Files.Broken, Deadline.AddHours(-3), Deadline.AddHours(-3)));
        Pushed("dave", ("partial", Hw3Files.Partial, Deadline.AddDays(-1), Deadline.AddDays(-1)), ("reference", Hw3Files.Reference, Deadline.AddHours(2), Deadline.AddHours(2)));
        // Committed "an hour before the deadline" by the student's clock, received by GitHub five hours after it.
        Pushed("erin", ("partial", Hw3Files.Partial, Deadline.AddDays(-1), Deadline.AddDays(-1)), ("forged", Hw3Files.Reference, Deadline.AddHours(-1), Deadline.AddHours(5)));
        NoPushLog("frank", ("partial", Hw3Files.Partial, Deadline.AddDays(-2)), ("reference", Hw3Files.Reference, Deadline.AddDays(1)));
        Pushed("grace", ("reference", Hw3Files.Reference, Deadline.AddDays(-1), Deadline.AddDays(-1))).CorruptTarball = true;
        OnlyTemplateByDeadline("heidi", ("reference", Hw3Files.Reference, Deadline.AddHours(3)));
        MadeAfterDeadline("ivan", ("reference", Hw3Files.Reference, Deadline.AddDays(2)));
        GitHub.AddRepository(Org, Prefix + "judy", gitDirectory: null);
        Pushed("mallory", ("partial", Hw3Files.Partial, Deadline.AddDays(-1), Deadline.AddDays(-1)), ("reference", Hw3Files.Reference, Deadline.AddHours(12), Deadline.AddHours(12)));
        ForcePushedAfterDeadline("oscar");
        OtherBranch("peggy");
        Pushed("trent", ("partial", Hw3Files.Partial, Deadline.AddDays(-3), Deadline.AddDays(-3)), ("reference", Hw3Files.Reference, Deadline.AddDays(-2), Deadline.AddDays(-2)));
        Pushed("victor", ("reference", Hw3Files.Reference, Deadline.AddMinutes(-1), Deadline));
        Pushed("walter", ("partial", Hw3Files.Partial, Deadline.AddDays(-4), Deadline.AddDays(-4)));
        OnePushOfThree("xavier");
        Pushed("yolanda", ("broken", Hw3Files.Broken, Deadline.AddDays(-2), Deadline.AddDays(-2)), ("reference", Hw3Files.Reference, Deadline.AddDays(-1), Deadline.AddDays(-1)));
        Pushed("zoe", ("reference", Hw3Files.Reference, Deadline.AddHours(-6), Deadline.AddHours(-6)));
        Pushed("team-rocket", ("partial", Hw3Files.Partial, Deadline.AddHours(-2), Deadline.AddHours(-2)));
        AddClassroomAssignment();
    }

    /// <summary>What a commit of a repository ("owner/name") holds: starter, reference, partial, broken, forged.</summary>
    public string Label(string repository, string? sha) => sha is null ? "-" : labels.GetValueOrDefault((repository, sha), sha[..7]);

    public string Sha(string student, string label) => labels.Single(l => l.Key.Repository == Repository(student) && l.Value == label).Key.Sha;

    static string Repository(string student) => $"{Org}/{Prefix}{student}";

    public void Dispose()
    {
        GitHub.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Accepted from the template (the starter, pushed on acceptance), then each commit pushed at its time.</summary>
    FakeRepository Pushed(string student, params (string Label, IReadOnlyDictionary<string, string> Files, DateTimeOffset Committed, DateTimeOffset Pushed)[] work)
    {
        var (repo, fake) = Accept(student);
        fake.RecordPush(Accepted, type: "branch_creation");
        foreach (var (label, files, committed, pushed) in work)
        {
            labels[(Repository(student), repo.Commit(label, committed, files))] = label;
            fake.RecordPush(pushed);
        }
        return fake;
    }

    void NoPushLog(string student, params (string Label, IReadOnlyDictionary<string, string> Files, DateTimeOffset Committed)[] work)
    {
        var (repo, _) = Accept(student);
        foreach (var (label, files, committed) in work) labels[(Repository(student), repo.Commit(label, committed, files))] = label;
    }

    /// <summary>The log starts after the deadline: what the branch held before (the template) was there at the deadline.</summary>
    void OnlyTemplateByDeadline(string student, (string Label, IReadOnlyDictionary<string, string> Files, DateTimeOffset Pushed) work)
    {
        var (repo, fake) = Accept(student);
        var starter = repo.Head;
        labels[(Repository(student), repo.Commit(work.Label, work.Pushed, work.Files))] = work.Label;
        fake.RecordPush(work.Pushed, before: starter);
    }

    void MadeAfterDeadline(string student, (string Label, IReadOnlyDictionary<string, string> Files, DateTimeOffset Pushed) work)
    {
        var (repo, fake) = Accept(student);
        fake.RecordPush(Deadline.AddDays(1), type: "branch_creation");
        labels[(Repository(student), repo.Commit(work.Label, work.Pushed, work.Files))] = work.Label;
        fake.RecordPush(work.Pushed);
    }

    /// <summary>The partial work pushed in time; after the deadline the history is rewritten to hold the reference instead.</summary>
    void ForcePushedAfterDeadline(string student)
    {
        var fake = Pushed(student, ("partial", Hw3Files.Partial, Deadline.AddHours(-1), Deadline.AddHours(-1)));
        var repo = StudentRepoAt(student);
        repo.Run("reset", "--quiet", "--hard", "HEAD~1");
        labels[(Repository(student), repo.Commit("reference", Deadline.AddHours(1), Hw3Files.Reference))] = "reference";
        fake.RecordPush(Deadline.AddHours(1), type: "force_push");
    }

    /// <summary>The partial work on main; the reference only on a branch of its own, which is not graded.</summary>
    void OtherBranch(string student)
    {
        var fake = Pushed(student, ("partial", Hw3Files.Partial, Deadline.AddHours(-2), Deadline.AddHours(-2)));
        var repo = StudentRepoAt(student);
        repo.Run("checkout", "--quiet", "-b", "experiment");
        labels[(Repository(student), repo.Commit("reference", Deadline.AddHours(-1), Hw3Files.Reference))] = "reference";
        fake.RecordPush(Deadline.AddHours(-1), branch: "experiment");
        repo.Run("checkout", "--quiet", "main");
    }

    /// <summary>Three commits pushed together: the push's head is graded.</summary>
    void OnePushOfThree(string student)
    {
        var (repo, fake) = Accept(student);
        fake.RecordPush(Accepted, type: "branch_creation");
        labels[(Repository(student), repo.Commit("broken", Deadline.AddDays(-3), Hw3Files.Broken))] = "broken";
        labels[(Repository(student), repo.Commit("partial", Deadline.AddDays(-2), Hw3Files.Partial))] = "partial";
        labels[(Repository(student), repo.Commit("reference", Deadline.AddDays(-1), Hw3Files.Reference))] = "reference";
        fake.RecordPush(Deadline.AddHours(-4));
    }

    (StudentRepo Repo, FakeRepository Fake) Accept(string student)
    {
        var repo = StudentRepo.Init(Path.Combine(folder, student));
        labels[(Repository(student), repo.Commit("Initial commit", TemplateMade, Hw3Files.Starter))] = "starter";
        return (repo, GitHub.AddRepository(Org, Prefix + student, repo.Path));
    }

    StudentRepo StudentRepoAt(string student) => StudentRepo.Open(Path.Combine(folder, student));

    /// <summary>Every individual student accepted with their repository; rupert and sybil as team-rocket; nadia without one yet.</summary>
    void AddClassroomAssignment()
    {
        var assignment = GitHub.AddClassroomAssignment(ClassroomAssignmentId, "Attention from scratch", "hw3-attention", Deadline);
        string[] individuals = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "yolanda", "zoe"];
        foreach (var (student, i) in individuals.Select((s, i) => (s, i)))
            assignment.Accepted.Add(new FakeClassroomAssignment.Acceptance(5000 + i, [student], GitHub.Repository($"{Org}/{Prefix}{student}"), Submitted: true, CommitCount: 2));
        assignment.Accepted.Add(new FakeClassroomAssignment.Acceptance(5100, ["sybil", "rupert"], GitHub.Repository($"{Org}/{Prefix}team-rocket"), true, 1));
        assignment.Accepted.Add(new FakeClassroomAssignment.Acceptance(5101, ["nadia"], null, false, 0));
    }
}
