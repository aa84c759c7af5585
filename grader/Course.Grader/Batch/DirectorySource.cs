using Course.Grader.Workspace;

namespace Course.Grader.Batch;

/// <summary>
/// A folder of submissions as downloaded from an LMS: one folder, <c>.zip</c>, <c>.tar.gz</c> or <c>.tgz</c> per student,
/// named after the student. A folder that is a git work tree is graded at its HEAD commit. The time comes from the
/// folder's manifest <c>submissions.csv</c> when it lists the student (<see cref="SubmissionTimeSource.Manifest"/>), else
/// from the HEAD commit's committer date (<see cref="SubmissionTimeSource.Committed"/>), else from the newest file
/// (<see cref="SubmissionTimeSource.FileTime"/>). Other files and hidden entries are ignored.
/// </summary>
/// <remarks>
/// The manifest is the instructor's: a CSV with the header <c>student,submitted_at</c> and optionally a third column
/// <c>commit</c>, one line per student, the time in ISO 8601 (without an offset, UTC), no quoted fields. Its commit is
/// recorded for a submission that is not a git folder.
/// </remarks>
public sealed class DirectorySource(string directory) : ISubmissionSource
{
    static readonly string[] ArchiveExtensions = [".tar.gz", ".tgz", ".zip"];

    /// <summary>The manifest's file name inside the submissions folder.</summary>
    public const string ManifestName = "submissions.csv";

    public string Directory { get; } = Path.GetFullPath(directory);

    public Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory)) throw new DirectoryNotFoundException($"no submissions folder {Directory}");
        var manifest = ReadManifest(Path.Combine(Directory, ManifestName));
        var byStudent = new DirectoryInfo(Directory).EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith('.') && e.Name != "__MACOSX")
            .Select(e => (Entry: e, Student: StudentOf(e)))
            .Where(e => e.Student is not null)
            .GroupBy(e => e.Student!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        var submissions = new List<StudentSubmission>();
        foreach (var entries in byStudent)
        {
            cancellationToken.ThrowIfCancellationRequested();
            submissions.Add(entries.Count() == 1
                ? Describe(entries.Key, entries.Single().Entry, deadline, manifest.TryGetValue(entries.Key, out var line) ? line : null)
                : new StudentSubmission(entries.Key, Directory, null, null, SubmissionTimeSource.None, false, 0,
                    $"more than one submission: {string.Join(", ", entries.Select(e => e.Entry.Name).Order(StringComparer.Ordinal))}"));
        }
        return Task.FromResult<IReadOnlyList<StudentSubmission>>(submissions);
    }

    /// <summary>The download itself: it is already a folder or archive that <see cref="Submission.Parse"/> takes.</summary>
    public Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken) =>
        File.Exists(submission.Repository) || System.IO.Directory.Exists(submission.Repository)
            ? Task.FromResult(submission.Repository)
            : throw new SubmissionException($"{submission.Repository} is gone");

    static StudentSubmission Describe(string student, FileSystemInfo entry, DeadlinePolicy deadline, (DateTimeOffset At, string? Commit)? listed)
    {
        var commit = entry is DirectoryInfo ? GitCheckout.HeadOf(entry.FullName) : null;
        var committed = commit is null ? null : GitCommitTime.Of(entry.FullName, commit);
        var (submittedAt, source) =
            listed is { } l ? (l.At, SubmissionTimeSource.Manifest)
            : committed is { } c ? (c, SubmissionTimeSource.Committed)
            : FileTime(entry) is { } f ? (f, SubmissionTimeSource.FileTime)
            : ((DateTimeOffset?)null, SubmissionTimeSource.None);
        var late = deadline.For(student) is { } due && submittedAt > due;
        return new StudentSubmission(student, entry.FullName, commit ?? listed?.Commit, submittedAt, source, late, 0);
    }

    /// <summary>The manifest's lines by student; empty when there is no manifest.</summary>
    /// <exception cref="FormatException">A line does not have a student and an ISO 8601 time, or a student is listed twice.</exception>
    public static IReadOnlyDictionary<string, (DateTimeOffset At, string? Commit)> ReadManifest(string path)
    {
        var listed = new Dictionary<string, (DateTimeOffset, string?)>(StringComparer.Ordinal);
        if (!File.Exists(path)) return listed;
        var lines = File.ReadAllLines(path);
        var header = lines.FirstOrDefault()?.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        if (header is not ("student,submitted_at" or "student,submitted_at,commit"))
            throw new FormatException($"{path}: the first line must be student,submitted_at or student,submitted_at,commit");
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var fields = lines[i].Split(',').Select(f => f.Trim()).ToArray();
            if (fields.Length is < 2 or > 3 || fields[0].Length == 0 || fields.Any(f => f.Contains('"', StringComparison.Ordinal))
                || !DateTimeOffset.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                throw new FormatException($"{path} line {i + 1}: expected student,submitted_at[,commit] with an ISO 8601 time and no quotes");
            if (!listed.TryAdd(fields[0], (at, fields.Length == 3 && fields[2].Length > 0 ? fields[2] : null)))
                throw new FormatException($"{path} line {i + 1}: {fields[0]} is listed twice");
        }
        return listed;
    }

    /// <summary>
    /// The newest file's time, or null where the files carry one .NET cannot hold (past the year 9999, which tmpfs and
    /// archives allow): that student gets no time, and the listing of the class goes on (a red team, stop 60).
    /// </summary>
    static DateTimeOffset? FileTime(FileSystemInfo entry)
    {
        try
        {
            return new DateTimeOffset(entry is DirectoryInfo folder ? NewestWrite(folder) : entry.LastWriteTimeUtc, TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>A folder's own time changes only when entries come and go; its files' times say when the work was done.</summary>
    static DateTime NewestWrite(DirectoryInfo folder) =>
        SubmissionContent.FilesOf(folder.FullName).Select(f => File.GetLastWriteTimeUtc(f.Path)).DefaultIfEmpty(folder.LastWriteTimeUtc).Max();

    static string? StudentOf(FileSystemInfo entry)
    {
        if (entry is DirectoryInfo) return entry.Name;
        var extension = ArchiveExtensions.FirstOrDefault(x => entry.Name.EndsWith(x, StringComparison.OrdinalIgnoreCase));
        return extension is null || entry.Name.Length == extension.Length ? null : entry.Name[..^extension.Length];
    }
}
