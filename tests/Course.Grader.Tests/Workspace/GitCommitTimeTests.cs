using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Course.Grader.Batch;
using Course.Grader.Tests.Batch;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// The commit time read from a student's own <c>.git</c> (<see cref="GitCommitTime"/>): an adversarial corpus of crafted
/// object stores. Each one gives no commit time (the listing falls back to the files' time) and never an exception, which
/// would stop the whole class's batch at its listing.
/// </summary>
[NonParallelizable]
public class GitCommitTimeTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder("course-gittime-");

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    /// <summary>A work tree whose only commit is in a pack, with that pack's index file.</summary>
    (string Folder, string Head, string Index) Packed(string name)
    {
        var folder = Hw3Class.GitWorkTree(Hw3Class.PartialWork(temp[name]));
        Hw3Class.Git(folder, "gc", "--quiet");
        var head = Hw3Class.Head(folder);
        var index = Directory.GetFiles(Path.Combine(folder, ".git", "objects", "pack"), "pack-*.idx").Single();
        Assert.That(GitCommitTime.Of(folder, head), Is.EqualTo(Hw3Class.CommittedAt), "the untouched pack is read");
        return (folder, head, index);
    }

    /// <summary>
    /// The fan-out entries from the commit's first byte up to the last but one claim 2^31 - 16 names, while the last (the
    /// count, which sizes the tables) stays true: a binary search over them would index far outside the file, past int's range.
    /// </summary>
    static void PointFanOutPastTheNames(string index, string head)
    {
        var idx = File.ReadAllBytes(index);
        int first = Convert.FromHexString(head)[0];
        Assert.That(first, Is.LessThan(255), "the fixture's commit id leaves a fan-out entry to change before the count");
        for (var b = first; b < 255; b++) BinaryPrimitives.WriteUInt32BigEndian(idx.AsSpan(8 + b * 4), 0x7ffffff0);
        File.WriteAllBytes(index, idx);
    }

    [Test]
    public void Given_a_pack_index_whose_fan_out_points_past_its_name_table_Then_there_is_no_commit_time()
    {
        var (folder, head, index) = Packed("fanout");
        PointFanOutPastTheNames(index, head);

        Assert.That(GitCommitTime.Of(folder, head), Is.Null);
    }

    [Test]
    public void Given_a_pack_index_whose_large_offset_points_past_its_end_Then_there_is_no_commit_time()
    {
        var (folder, head, index) = Packed("large");
        var idx = File.ReadAllBytes(index);
        var count = (int)BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(8 + 255 * 4));
        var offsets = 8 + 1024 + count * 24;
        // Each object's offset says "in the 64-bit table, entry 2^31 - 1", which the file does not have.
        for (var i = 0; i < count; i++) BinaryPrimitives.WriteUInt32BigEndian(idx.AsSpan(offsets + i * 4), 0xffffffff);
        File.WriteAllBytes(index, idx);

        Assert.That(GitCommitTime.Of(folder, head), Is.Null);
    }

    [Test]
    public void Given_a_pack_that_is_a_folder_Then_there_is_no_commit_time()
    {
        var (folder, head, index) = Packed("folder");
        var pack = Path.ChangeExtension(index, ".pack");
        File.Delete(pack);
        Directory.CreateDirectory(pack);

        Assert.That(GitCommitTime.Of(folder, head), Is.Null);
    }

    [Test]
    public void Given_a_commit_dated_the_last_second_of_9999_in_a_zone_ahead_of_utc_Then_it_is_that_instant_without_an_exception()
    {
        // A valid commit git accepts, whose time in its own zone (+14:00) falls in year 10000, which .NET's dates cannot hold.
        var folder = Hw3Class.PartialWork(temp["far"]);
        Hw3Class.Git(folder, "init", "--quiet");
        Hw3Class.Git(folder, "add", ".");
        Hw3Class.Git(folder, "-c", "user.name=mallory", "-c", "user.email=m@example.org", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "far", "--date", "@253402300799 +1400");

        Assert.That(GitCommitTime.Of(folder, Hw3Class.Head(folder)), Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(253402300799)));
    }

    [Test]
    public void Given_a_loose_commit_that_inflates_to_a_gigabyte_Then_reading_stops_at_the_cap_with_no_commit_time()
    {
        var folder = Hw3Class.GitWorkTree(Hw3Class.PartialWork(temp["bomb"]));
        var head = Hw3Class.Head(folder);
        var loose = Path.Combine(folder, ".git", "objects", head[..2], head[2..]);
        File.SetAttributes(loose, FileAttributes.Normal);
        using (var file = File.Create(loose))
        using (var zlib = new ZLibStream(file, CompressionLevel.SmallestSize))
        {
            zlib.Write("commit 1073741824\0"u8);
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 1024; i++) zlib.Write(zeros);
        }
        Assert.That(new FileInfo(loose).Length, Is.LessThan(2 << 20), "a small file on disk");
        var clock = Stopwatch.StartNew();

        Assert.That(GitCommitTime.Of(folder, head), Is.Null);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "read up to the 1 MiB cap, not to the end");
    }

    [Test]
    public async Task Given_a_class_with_a_crafted_pack_index_When_listed_Then_everyone_is_listed_and_that_student_gets_the_files_time()
    {
        var (_, head, index) = Packed("crafted");
        PointFanOutPastTheNames(index, head);
        Hw3Class.Folder(Hw3Class.PartialWork(temp["plain"]), Hw3Class.OnTime);

        var listed = (await new DirectorySource(temp.Path).ListAsync(Hw3Class.Policy, CancellationToken.None)).ToDictionary(s => s.Student);

        Assert.That(listed.Keys, Is.SupersetOf(new[] { "crafted", "plain" }));
        Assert.That((listed["crafted"].Commit, listed["crafted"].TimeSource), Is.EqualTo((head, SubmissionTimeSource.FileTime)));
        Assert.That(listed["plain"].TimeSource, Is.EqualTo(SubmissionTimeSource.FileTime));
    }
}
