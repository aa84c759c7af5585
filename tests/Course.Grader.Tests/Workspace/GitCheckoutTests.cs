using System.Diagnostics;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// A repository on this machine is student data: git never reads it where it lies (<see cref="GitCheckout"/>). A red team
/// (stop 60) graded folders holding no work of their own on another student's repository, 100/100, through a <c>.git</c>
/// that sent git elsewhere; filled the disk from a 268 KB repository; and hung the grade on a named pipe.
/// </summary>
public class GitCheckoutTests
{
    readonly TempFolder temp = new();

    [TearDown]
    public void Cleanup() => temp.Dispose();

    /// <summary>alice's repository, with her work committed: what the other student's folder points at.</summary>
    (GitRepo Repo, string Commit) Alice()
    {
        var alice = GitRepo.Init(temp["class/alice"]);
        File.WriteAllText(Path.Combine(alice.Path, "Bigram.cs"), "// alice's work");
        return (alice, alice.CommitAll("alice"));
    }

    string Scratch() => Directory.CreateDirectory(temp[$"scratch-{Guid.NewGuid():N}"]).FullName;

    [Test]
    public void Given_a_folder_whose_git_is_a_link_to_another_repository_Then_it_is_graded_as_its_own_files_with_no_commit()
    {
        Alice();
        var bob = Directory.CreateDirectory(temp["class/bob"]).FullName;
        File.CreateSymbolicLink(Path.Combine(bob, ".git"), "../alice/.git");

        var submission = Submission.Parse(bob);
        var files = SubmissionFiles.Materialize(submission, Scratch());

        Assert.That(submission.Kind, Is.EqualTo(SubmissionKind.Folder));
        Assert.That(files.Commit, Is.Null);
        Assert.That(Directory.EnumerateFiles(files.Root, "*.cs", SearchOption.AllDirectories), Is.Empty, "alice's work is not bob's");
    }

    [Test]
    public void Given_a_git_folder_that_borrows_another_repositorys_objects_and_refs_Then_the_checkout_is_refused()
    {
        var (alice, commit) = Alice();
        // bob's own .git, made by git init, reading alice's objects through alternates and naming her commit in a plain ref.
        var bob = GitRepo.Init(temp["class/bob"]);
        File.WriteAllText(Path.Combine(bob.Path, ".git", "objects", "info", "alternates"), Path.Combine(alice.Path, ".git", "objects") + "\n");
        File.WriteAllText(Path.Combine(bob.Path, ".git", "refs", "heads", "main"), commit + "\n");

        var error = Assert.Throws<SubmissionException>(() => SubmissionFiles.Materialize(Submission.Parse(bob.Path), Scratch()))!;

        Assert.That(error.Message, Does.StartWith("git "), "git finds no object of alice's in bob's copied repository");
    }

    [Test]
    public void Given_a_git_folder_of_two_text_files_that_names_another_repository_as_its_common_dir_Then_the_checkout_is_refused()
    {
        Alice();
        var bob = Directory.CreateDirectory(temp["class/bob/.git"]).FullName;
        File.WriteAllText(Path.Combine(bob, "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(bob, "commondir"), "../../alice/.git\n");

        Assert.Throws<SubmissionException>(() => SubmissionFiles.Materialize(Submission.Parse(temp["class/bob"]), Scratch()));
    }

    [Test]
    public void Given_a_named_pipe_in_a_git_folder_Then_the_checkout_neither_opens_it_nor_hangs()
    {
        var (bob, commit) = Alice();
        var pipe = Path.Combine(bob.Path, ".git", "objects", "info", "alternates");
        Process.Start("mkfifo", pipe)!.WaitForExit();
        Assert.That(FileEntry.Of(pipe).Kind, Is.EqualTo(FileKind.NamedPipe));
        var clock = Stopwatch.StartNew();

        var files = SubmissionFiles.Materialize(Submission.Parse(bob.Path), Scratch());

        Assert.That(files.Commit, Is.EqualTo(commit));
        Assert.That(File.ReadAllText(Path.Combine(files.Root, "Bigram.cs")), Is.EqualTo("// alice's work"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public void Given_a_commit_that_names_one_blob_under_many_paths_Then_it_is_refused_by_the_archives_caps_before_anything_is_written()
    {
        var repo = GitRepo.Init(temp["bomb"]);
        File.WriteAllText(Path.Combine(repo.Path, "Bigram.cs"), new string('A', 300 << 10));
        repo.CommitAll("one blob");
        var blob = repo.Git("rev-parse", "HEAD:Bigram.cs").Trim();
        for (var i = 0; i < 5; i++) repo.Git("update-index", "--add", "--cacheinfo", $"100644,{blob},data/f{i}.bin");
        repo.Git("-c", "user.name=Student", "-c", "user.email=student@example.com", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "the same blob 5 more times");
        var scratch = Scratch();

        var error = Assert.Throws<SubmissionException>(() =>
            SubmissionFiles.Materialize(Submission.Parse(repo.Path), scratch, new ExtractionLimits(MaxTotalBytes: 1 << 20, MaxFileBytes: 1 << 20, MaxFiles: 100)))!;

        Assert.That(error.Message, Is.EqualTo("the commit checks out to more than 1 MB"));
        Assert.That(Path.Combine(scratch, "submission"), Does.Not.Exist, "nothing checked out");
    }

    /// <summary>A commit whose files are one blob under many names, committed with git's plumbing.</summary>
    static void Commit(GitRepo repo, string message) =>
        repo.Git("-c", "user.name=Student", "-c", "user.email=student@example.com", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message);

    [Test]
    public void Given_a_commits_own_gitattributes_that_grow_its_files_on_checkout_Then_each_file_is_its_blobs_raw_bytes()
    {
        // ident turns each 4-byte $Id$ into 47 bytes: 300 KiB would check out as 3.5 MB, past the 1 MB cap below (a red team,
        // stop 60, with working-tree-encoding too: three 739 MB files from a 340 KB repository).
        var repo = GitRepo.Init(temp["grow"]);
        File.WriteAllText(Path.Combine(repo.Path, ".gitattributes"), "*.txt ident\n");
        var content = string.Concat(Enumerable.Repeat("$Id$", 75 << 10));
        File.WriteAllText(Path.Combine(repo.Path, "data.txt"), content);
        File.WriteAllText(Path.Combine(repo.Path, "Bigram.cs"), "// work");
        var commit = repo.CommitAll("attributes");

        var files = SubmissionFiles.Materialize(Submission.Parse(repo.Path), Scratch(), new ExtractionLimits(MaxTotalBytes: 1 << 20, MaxFileBytes: 1 << 20, MaxFiles: 100));

        Assert.That(files.Commit, Is.EqualTo(commit));
        Assert.That(File.ReadAllText(Path.Combine(files.Root, "data.txt")), Is.EqualTo(content), "the blob as committed, no attribute applied");
        Assert.That(File.ReadAllText(Path.Combine(files.Root, "Bigram.cs")), Is.EqualTo("// work"));
    }

    [Test]
    public void Given_submodules_and_links_in_a_commit_Then_each_counts_against_the_caps_and_none_is_written()
    {
        var repo = GitRepo.Init(temp["links"]);
        File.WriteAllText(Path.Combine(repo.Path, "Bigram.cs"), "// work");
        var first = repo.CommitAll("work");
        var target = repo.Git("hash-object", "-w", "--stdin").Trim(); // an empty blob, as a link's target text
        repo.Git("update-index", "--add", "--cacheinfo", $"120000,{target},Link.cs");
        for (var i = 0; i < 3; i++) repo.Git("update-index", "--add", "--cacheinfo", $"160000,{first},sub{i}");
        Commit(repo, "a link and three submodules");

        var files = SubmissionFiles.Materialize(Submission.Parse(repo.Path), Scratch(), new ExtractionLimits(MaxTotalBytes: 1 << 20, MaxFileBytes: 1 << 20, MaxFiles: 5));
        var error = Assert.Throws<SubmissionException>(() =>
            SubmissionFiles.Materialize(Submission.Parse(repo.Path), Scratch(), new ExtractionLimits(MaxTotalBytes: 1 << 20, MaxFileBytes: 1 << 20, MaxFiles: 4)))!;

        Assert.That(files.Notes, Is.EqualTo(new[] { "Link.cs: links are not allowed in a submission", "sub0: a submodule is not part of the submission",
            "sub1: a submodule is not part of the submission", "sub2: a submodule is not part of the submission" }));
        Assert.That(Directory.EnumerateFileSystemEntries(files.Root).Select(Path.GetFileName), Is.EqualTo(new[] { "Bigram.cs" }));
        Assert.That(error.Message, Does.StartWith("the commit holds more than 4 files"), "every entry counts, as 300,000 submodules made as many folders");
    }

    [Test]
    public void Given_a_commit_with_a_file_name_longer_than_the_file_system_allows_Then_it_is_the_submissions_problem()
    {
        // A red team (stop 60): a 304-character name, added without a file on disk, threw PathTooLongException inside the
        // writing task, a grader error (exit 1) that stopped the batch's exit code too.
        var repo = GitRepo.Init(temp["long"]);
        File.WriteAllText(Path.Combine(repo.Path, "Bigram.cs"), "// work");
        repo.CommitAll("work");
        var blob = repo.Git("rev-parse", "HEAD:Bigram.cs").Trim();
        repo.Git("update-index", "--add", "--cacheinfo", $"100644,{blob},{new string('x', 300)}.txt");
        Commit(repo, "a long name");

        var error = Assert.Throws<SubmissionException>(() => SubmissionFiles.Materialize(Submission.Parse(repo.Path), Scratch()))!;

        Assert.That(error.Message, Does.StartWith("the commit's file 'xxx").And.EndWith("has a name longer than 255 bytes, or a path longer than 1024"));
    }
}
