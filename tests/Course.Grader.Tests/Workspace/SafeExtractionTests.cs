using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;
using static Course.Grader.Tests.Workspace.SubmissionArchives;

namespace Course.Grader.Tests.Workspace;

/// <summary>Unpacking archives that try to write outside their folder, hold links, or are damaged.</summary>
public class SafeExtractionTests
{
    TempFolder temp = null!;
    string destination = null!;

    [SetUp]
    public void CreateTemp()
    {
        temp = new TempFolder();
        destination = Directory.CreateDirectory(temp["inbox/submission"]).FullName;
    }

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [TestCase("../evil.cs", "climbs out of the submission with '..'")]
    [TestCase("Hw3.Attention/../../evil.cs", "climbs out of the submission with '..'")]
    [TestCase("/tmp/evil.cs", "has an absolute path")]
    public void Given_a_zip_entry_outside_the_folder_When_extracted_Then_it_is_refused_and_nothing_lands_outside(string name, string reason)
    {
        var archive = Zip(temp["evil.zip"], [new(name, "class Evil {}")]);

        var error = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractZip(archive, destination, ExtractionLimits.Default))!;

        Assert.That(error.Message, Is.EqualTo($"the archive entry '{name}' {reason}"));
        Assert.That(Directory.EnumerateFiles(temp.Path, "evil.cs", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void Given_a_tar_entry_climbing_out_When_extracted_Then_it_is_refused_and_nothing_lands_outside()
    {
        var archive = TarGz(temp["evil.tar.gz"], [new("repo/Attention.cs", "// fine"), new("repo/../../evil.cs", "class Evil {}")]);

        var error = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractTarGz(archive, destination, ExtractionLimits.Default))!;

        Assert.That(error.Message, Does.Contain("'repo/../../evil.cs'"));
        Assert.That(Directory.EnumerateFiles(temp.Path, "evil.cs", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public void Given_links_in_a_zip_and_a_tar_When_extracted_Then_each_is_skipped_with_a_note_and_no_link_is_made()
    {
        Entry[] entries = [new("Attention.cs", "// fine"), new("CausalMask.cs", LinkTarget: "/etc/passwd")];

        var zipNotes = SafeExtraction.ExtractZip(Zip(temp["link.zip"], entries), Directory.CreateDirectory(temp["zip"]).FullName, ExtractionLimits.Default);
        var tarNotes = SafeExtraction.ExtractTarGz(TarGz(temp["link.tar.gz"], entries), Directory.CreateDirectory(temp["tar"]).FullName, ExtractionLimits.Default);

        Assert.That(zipNotes, Is.EqualTo(new[] { "CausalMask.cs: links are not allowed in a submission" }));
        Assert.That(tarNotes, Is.EqualTo(new[] { "CausalMask.cs: links are not allowed in a submission" }));
        foreach (var folder in new[] { temp["zip"], temp["tar"] })
        {
            Assert.That(File.ReadAllText(Path.Combine(folder, "Attention.cs")), Is.EqualTo("// fine"));
            Assert.That(Path.Exists(Path.Combine(folder, "CausalMask.cs")), Is.False);
        }
    }

    // A red team (stop 60): an archive holding a file and then a folder of one name stopped the grader (exit 1, "The file ...
    // already exists"), where it is the student's archive that cannot be unpacked.
    [TestCase("a", "a/b.cs", "the archive entry 'a/b.cs' needs a folder 'a' where an earlier entry is a file")]
    [TestCase("a/b.cs", "a", "the archive entry 'a' is a file where an earlier entry is a folder")]
    [TestCase("Attention.cs", "Attention.cs/x.cs", "the archive entry 'Attention.cs/x.cs' needs a folder 'Attention.cs' where an earlier entry is a file")]
    public void Given_a_file_and_a_folder_of_one_name_in_a_zip_and_a_tar_When_extracted_Then_it_is_the_submissions_problem(string first, string second, string message)
    {
        Entry[] entries = [new("Bigram.cs", "// fine"), new(first, "// one"), new(second, "// two")];

        var zip = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractZip(Zip(temp["clash.zip"], entries), Directory.CreateDirectory(temp["zip"]).FullName, ExtractionLimits.Default))!;
        var tar = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractTarGz(TarGz(temp["clash.tar.gz"], entries), Directory.CreateDirectory(temp["tar"]).FullName, ExtractionLimits.Default))!;

        Assert.That(zip.Message, Is.EqualTo(message));
        Assert.That(tar.Message, Is.EqualTo(message));
    }

    [Test]
    public void Given_a_tar_whose_pax_time_overflows_When_extracted_Then_it_is_reported_as_damaged()
    {
        // A red team (stop 60): pax mtime=99999999999999.5 threw OverflowException from the reader, a grader error (exit 1).
        var path = RawPaxTarGz(temp["time.tar.gz"], "Bigram.cs", "// fine", new Dictionary<string, string> { ["mtime"] = "99999999999999.5" });
        Assert.That(SafeExtraction.ExtractTarGz(RawPaxTarGz(temp["fine.tar.gz"], "Bigram.cs", "// fine", new Dictionary<string, string> { ["mtime"] = "1764633600.5" }),
            Directory.CreateDirectory(temp["fine"]).FullName, ExtractionLimits.Default), Is.Empty, "the same archive with a time .NET can hold unpacks");

        var error = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractTarGz(path, destination, ExtractionLimits.Default))!;

        Assert.That(error.Message, Does.StartWith("the tar.gz archive is damaged"));
    }

    [Test]
    public void Given_a_truncated_tar_gz_When_extracted_Then_it_is_reported_as_damaged()
    {
        var whole = File.ReadAllBytes(TarGz(temp["whole.tar.gz"], [new("Attention.cs", new string('x', 20_000))]));
        File.WriteAllBytes(temp["cut.tar.gz"], whole[..(whole.Length / 2)]);

        var error = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractTarGz(temp["cut.tar.gz"], destination, ExtractionLimits.Default))!;

        Assert.That(error.Message, Does.StartWith("the tar.gz archive is damaged"));
    }

    [Test]
    public void Given_an_archive_bigger_than_the_caps_When_extracted_Then_it_stops_at_the_cap()
    {
        var archive = Zip(temp["bomb.zip"], [new("big.cs", new string(' ', 3 << 20))]);

        var error = Assert.Throws<SubmissionException>(() => SafeExtraction.ExtractZip(archive, destination, new ExtractionLimits(MaxTotalBytes: 8 << 20, MaxFileBytes: 1 << 20, MaxFiles: 10)))!;

        Assert.That(error.Message, Is.EqualTo("'big.cs' unpacks to more than 1 MB"));
    }
}
