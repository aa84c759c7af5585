using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Workspace;

/// <summary>What `--submission` accepts: a folder, an archive, a git URL or a local repository, each with an optional @ref for git.</summary>
public class SubmissionParseTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder();

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_a_plain_folder_When_parsed_Then_it_is_a_folder_at_its_full_path()
    {
        var folder = Directory.CreateDirectory(temp["student"]).FullName;

        Assert.That(Submission.Parse(folder), Is.EqualTo(new Submission(SubmissionKind.Folder, folder)));
    }

    [TestCase("work.zip", SubmissionKind.Zip)]
    [TestCase("work.ZIP", SubmissionKind.Zip)]
    [TestCase("work.tar.gz", SubmissionKind.TarGz)]
    [TestCase("work.tgz", SubmissionKind.TarGz)]
    public void Given_an_existing_archive_When_parsed_Then_its_kind_follows_the_extension(string name, SubmissionKind kind)
    {
        File.WriteAllText(temp[name], "");

        Assert.That(Submission.Parse(temp[name]), Is.EqualTo(new Submission(kind, temp[name])));
    }

    [TestCase("https://host/org/repo.git@v1", "https://host/org/repo.git", "v1")]
    [TestCase("https://host/org/repo.git", "https://host/org/repo.git", null)]
    [TestCase("https://host/org/repo@feature/attention", "https://host/org/repo", "feature/attention")]
    [TestCase("git@host:org/repo.git", "git@host:org/repo.git", null)]
    [TestCase("git@host:org/repo.git@v2", "git@host:org/repo.git", "v2")]
    [TestCase("ssh://git@host/org/repo.git", "ssh://git@host/org/repo.git", null)]
    [TestCase("https://x-access-token:s3cret@github.com/org/repo.git", "https://x-access-token:s3cret@github.com/org/repo.git", null)]
    [TestCase("https://x-access-token:s3cret@github.com/org/repo.git@main", "https://x-access-token:s3cret@github.com/org/repo.git", "main")]
    public void Given_a_git_url_When_parsed_Then_the_ref_is_split_off_but_a_user_is_not(string text, string location, string? gitRef)
    {
        Assert.That(Submission.Parse(text), Is.EqualTo(new Submission(SubmissionKind.Git, location, gitRef)));
    }

    [Test]
    public void Given_a_url_with_a_token_When_shown_in_a_report_Then_the_token_is_masked()
    {
        var submission = Submission.Parse("https://x-access-token:s3cret@github.com/org/repo.git@v1");

        Assert.That(submission.ToString(), Is.EqualTo("https://***@github.com/org/repo.git@v1"));
        Assert.That(Submission.Parse("git@host:org/repo.git@v2").ToString(), Is.EqualTo("git@host:org/repo.git@v2"));
    }

    [Test]
    public void Given_a_local_repository_with_a_ref_When_parsed_Then_it_is_git_at_that_ref()
    {
        var repo = Directory.CreateDirectory(temp["repo"]).FullName;
        Directory.CreateDirectory(Path.Combine(repo, ".git"));

        Assert.That(Submission.Parse(repo + "@main"), Is.EqualTo(new Submission(SubmissionKind.Git, repo, "main")));
        Assert.That(Submission.Parse(repo), Is.EqualTo(new Submission(SubmissionKind.Git, repo)));
    }

    [Test]
    public void Given_a_local_repository_whose_path_holds_an_at_sign_When_parsed_Then_the_whole_path_is_the_repository()
    {
        var repo = Directory.CreateDirectory(temp["student@school/repo"]).FullName;
        Directory.CreateDirectory(Path.Combine(repo, ".git"));

        Assert.That(Submission.Parse(repo), Is.EqualTo(new Submission(SubmissionKind.Git, repo)));
    }

    [TestCase("does/not/exist")]
    [TestCase("missing.zip")]
    [TestCase("missing.tar.gz@v1")]
    public void Given_nothing_at_the_path_When_parsed_Then_it_is_refused_naming_what_was_given(string relative)
    {
        var text = temp[relative];

        var error = Assert.Throws<SubmissionException>(() => Submission.Parse(text))!;

        Assert.That(error.Message, Is.EqualTo($"'{text}' is not a folder, a .zip, a .tar.gz or a git repository"));
    }
}
