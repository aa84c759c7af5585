using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Course.Grader.Batch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// A class of hw3-attention submissions as downloaded from an LMS into one folder: folders, .zip and .tar.gz files
/// (archives with the student's folder inside, as LMS downloads have), a git work tree, a truncated download, a
/// student who uploaded twice, and a stray file. File times are set: on time, or a day late.
/// </summary>
static class Hw3Class
{
    public static readonly DateTimeOffset Deadline = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset OnTime = Deadline.AddHours(-12);
    public static readonly DateTimeOffset LateTime = Deadline.AddDays(1);
    public static readonly DateTimeOffset GraceExtension = Deadline.AddDays(4);

    /// <summary>The deadline, with grace's extension (which makes her late upload on time).</summary>
    public static DeadlinePolicy Policy => new(Deadline, new Dictionary<string, DateTimeOffset> { ["grace"] = GraceExtension });

    /// <summary>Who gets full marks, a partial score, zero, or no grade at all.</summary>
    public static readonly string[] FullMarks = ["alice", "carol", "grace"];
    public static readonly string[] PartialMarks = ["bob", "erin", "heidi"];
    public const string CompileError = "dave";
    public const string Corrupt = "frank";
    public const string UploadedTwice = "ivan";
    public const string LateStudent = "erin";
    public const string GitStudent = "heidi";

    public static readonly string[] Students = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan"];

    /// <summary>Writes the class into <paramref name="folder"/> and returns it.</summary>
    public static string Build(string folder)
    {
        Directory.CreateDirectory(folder);
        var scratch = Path.Combine(folder, ".build");
        Folder(Reference(Path.Combine(folder, "alice")), OnTime);
        Folder(PartialWork(Path.Combine(folder, "bob")), OnTime);
        Zip(Reference(Path.Combine(scratch, "carol")), Path.Combine(folder, "carol.zip"), OnTime);
        TarGz(Hw3Submissions.Materialize("compile-error", Path.Combine(scratch, "dave")), Path.Combine(folder, "dave.tar.gz"), OnTime);
        Folder(PartialWork(Path.Combine(folder, "erin")), LateTime);
        var whole = TarGz(Reference(Path.Combine(scratch, "frank")), Path.Combine(scratch, "frank.tar.gz"), OnTime);
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(Path.Combine(folder, "frank.tar.gz"), bytes[..(bytes.Length / 2)]); // the download broke off half-way
        File.SetLastWriteTimeUtc(Path.Combine(folder, "frank.tar.gz"), OnTime.UtcDateTime);
        Zip(Reference(Path.Combine(scratch, "grace")), Path.Combine(folder, "grace.zip"), LateTime);
        Folder(GitWorkTree(PartialWork(Path.Combine(folder, "heidi"))), OnTime);
        Folder(Reference(Path.Combine(folder, "ivan")), OnTime);
        Zip(Reference(Path.Combine(scratch, "ivan")), Path.Combine(folder, "ivan.zip"), OnTime);
        File.WriteAllText(Path.Combine(folder, "index.html"), "<html>grades export</html>");
        Directory.Delete(scratch, recursive: true);
        return folder;
    }

    public static string Reference(string destination) => Hw3Submissions.CopyStudentFiles(Hw3Submissions.ReferenceProject, destination);

    public static string PartialWork(string destination) => Hw3Submissions.CopyStudentFiles(Hw3Submissions.PartialExample, destination);

    /// <summary>Sets every file's time, as an LMS download keeps the upload time.</summary>
    public static string Folder(string folder, DateTimeOffset time)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.git/", StringComparison.Ordinal)))
            File.SetLastWriteTimeUtc(file, time.UtcDateTime);
        return folder;
    }

    static string Zip(string folder, string zip, DateTimeOffset time)
    {
        ZipFile.CreateFromDirectory(folder, zip, CompressionLevel.Fastest, includeBaseDirectory: true);
        File.SetLastWriteTimeUtc(zip, time.UtcDateTime);
        return zip;
    }

    static string TarGz(string folder, string archive, DateTimeOffset time)
    {
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            TarFile.CreateFromDirectory(folder, gzip, includeBaseDirectory: true);
        File.SetLastWriteTimeUtc(archive, time.UtcDateTime);
        return archive;
    }

    /// <summary>The committer date of heidi's commit: before the files' time, so that a test can tell which was taken.</summary>
    public static readonly DateTimeOffset CommittedAt = new(2025, 2, 27, 18, 15, 0, TimeSpan.FromHours(-5));

    /// <summary>Makes <paramref name="folder"/> a git work tree with one commit of everything in it, committed at <paramref name="at"/>.</summary>
    public static string GitWorkTree(string folder, DateTimeOffset? at = null)
    {
        var date = (at ?? CommittedAt).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        Git(folder, "init", "--quiet");
        Git(folder, "add", ".");
        Git(folder, "-c", "user.name=heidi", "-c", "user.email=heidi@example.org", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "hw3", "--date", date);
        return folder;
    }

    /// <summary>The commit a work tree's HEAD is at.</summary>
    public static string Head(string folder) => Git(folder, "rev-parse", "HEAD").Trim();

    public static string Git(string folder, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        if (args.Contains("commit"))
            start.Environment["GIT_COMMITTER_DATE"] = args[Array.IndexOf(args, "--date") + 1];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        var error = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, $"git {string.Join(' ', args)}: {error}");
        return output;
    }
}
