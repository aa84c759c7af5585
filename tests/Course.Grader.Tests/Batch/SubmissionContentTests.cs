using System.Security.Cryptography;
using Course.Grader.Batch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>The resume key of a submission without a commit: the same download gives the same key, any change another.</summary>
public class SubmissionContentTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder();

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_the_same_files_in_two_places_When_hashed_Then_the_keys_are_equal()
    {
        var first = Hw3Class.PartialWork(temp["first/bob"]);
        var second = Hw3Class.PartialWork(temp["second/bob"]);

        Assert.That(SubmissionContent.Key(first), Is.EqualTo(SubmissionContent.Key(second)).And.StartWith("sha256:").And.Length.EqualTo(71));
    }

    [Test]
    public void Given_one_changed_byte_or_an_added_file_When_hashed_Then_the_key_changes()
    {
        var bob = Hw3Class.PartialWork(temp["bob"]);
        var before = SubmissionContent.Key(bob);

        File.AppendAllText(Path.Combine(bob, "Attention.cs"), " ");
        var edited = SubmissionContent.Key(bob);
        File.WriteAllText(Path.Combine(bob, "notes.txt"), "");

        Assert.That(new[] { before, edited, SubmissionContent.Key(bob) }, Is.Unique);
    }

    [Test]
    public void Given_a_git_folder_When_hashed_Then_git_internals_do_not_count()
    {
        var bob = Hw3Class.PartialWork(temp["bob"]);
        var before = SubmissionContent.Key(bob);

        Directory.CreateDirectory(Path.Combine(bob, ".git"));
        File.WriteAllText(Path.Combine(bob, ".git", "index"), "changes on every git command");

        Assert.That(SubmissionContent.Key(bob), Is.EqualTo(before));
    }

    [Test]
    public void Given_an_archive_When_hashed_Then_the_key_is_the_sha256_of_its_bytes()
    {
        var archive = temp["carol.zip"];
        File.WriteAllBytes(archive, [0x50, 0x4b, 0x05, 0x06, .. new byte[18]]);

        Assert.That(SubmissionContent.Key(archive), Is.EqualTo("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(archive)))));
    }

    [Test]
    public async Task Given_a_named_pipe_and_links_to_the_root_and_dev_zero_in_a_folder_When_hashed_Then_it_finishes_and_they_do_not_count()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("named pipes in the file system are a Unix thing");
        var bob = Hw3Class.PartialWork(temp["bob"]);
        var before = SubmissionContent.Key(bob);

        Workspace.SpecialFiles.NamedPipe(Path.Combine(bob, "pipe.cs"));
        Directory.CreateSymbolicLink(Path.Combine(bob, "disk"), "/");
        File.CreateSymbolicLink(Path.Combine(bob, "zero.cs"), "/dev/zero");

        Assert.That(await Workspace.SpecialFiles.Within(10, () => SubmissionContent.Key(bob)), Is.EqualTo(before));
    }
}
