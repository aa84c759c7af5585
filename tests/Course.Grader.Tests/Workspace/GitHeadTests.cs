using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// The commit of a student's folder is read from its .git files, never by running git there: a folder a student controls
/// can carry a .git/config that makes git run a program.
/// </summary>
public class GitHeadTests
{
    readonly TempFolder temp = new();

    [TearDown]
    public void Cleanup() => temp.Dispose();

    [Test]
    public void Given_a_branch_with_a_loose_or_a_packed_ref_or_a_detached_head_When_read_Then_each_is_the_commit_git_names()
    {
        var repo = GitRepo.Init(temp["repo"]);
        File.WriteAllText(Path.Combine(repo.Path, "a.cs"), "class A { }");
        var first = repo.CommitAll("first");
        Assert.That(GitCheckout.HeadOf(repo.Path), Is.EqualTo(first), "a loose ref");

        repo.Git("pack-refs", "--all");
        Assert.That(GitCheckout.HeadOf(repo.Path), Is.EqualTo(first), "a packed ref");

        File.WriteAllText(Path.Combine(repo.Path, "b.cs"), "class B { }");
        var second = repo.CommitAll("second");
        repo.Git("checkout", "--quiet", "--detach", first);
        Assert.That(GitCheckout.HeadOf(repo.Path), Is.EqualTo(first), "a detached head");
        Assert.That(second, Is.Not.EqualTo(first));
    }

    [Test]
    public void Given_a_git_config_that_would_run_a_program_When_the_head_is_read_Then_nothing_runs()
    {
        var repo = GitRepo.Init(temp["repo"]);
        File.WriteAllText(Path.Combine(repo.Path, "a.cs"), "class A { }");
        var commit = repo.CommitAll("first");
        var canary = temp["canary"];
        File.AppendAllText(Path.Combine(repo.Path, ".git", "config"),
            $"[core]\n\tfsmonitor = \"touch {canary}\"\n\tpager = \"touch {canary}\"\n[alias]\n\trev-parse = \"!touch {canary}\"\n");

        Assert.That(GitCheckout.HeadOf(repo.Path), Is.EqualTo(commit));
        Assert.That(File.Exists(canary), Is.False);
    }

    [Test]
    public void Given_a_head_that_names_a_ref_outside_refs_or_a_link_When_read_Then_there_is_no_commit()
    {
        var git = Directory.CreateDirectory(temp["repo/.git"]).FullName;
        File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/../../../../etc/hostname\n");
        Assert.That(GitCheckout.HeadOf(temp["repo"]), Is.Null);

        File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/heads/main\n");
        Directory.CreateDirectory(Path.Combine(git, "refs", "heads"));
        File.CreateSymbolicLink(Path.Combine(git, "refs", "heads", "main"), "/etc/hostname");
        Assert.That(GitCheckout.HeadOf(temp["repo"]), Is.Null);
    }
}
