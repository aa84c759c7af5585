using Course.Grader.Workspace;

namespace Course.Grader.Batch;

/// <summary>
/// A folder of submissions as downloaded from an LMS: one folder, <c>.zip</c>, <c>.tar.gz</c> or <c>.tgz</c> per student,
/// named after the student. The time is the newest file modification time (<see cref="SubmissionTimeSource.FileTime"/>);
/// a folder that is a git work tree is graded at its HEAD commit. Other files and hidden entries are ignored.
/// </summary>
public sealed class DirectorySource(string directory) : ISubmissionSource
{
    static readonly string[] ArchiveExtensions = [".tar.gz", ".tgz", ".zip"];

    public string Directory { get; } = Path.GetFullPath(directory);

    public Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory)) throw new DirectoryNotFoundException($"no submissions folder {Directory}");
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
                ? Describe(entries.Key, entries.Single().Entry, deadline)
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

    static StudentSubmission Describe(string student, FileSystemInfo entry, DeadlinePolicy deadline)
    {
        var submittedAt = new DateTimeOffset(entry is DirectoryInfo folder ? NewestWrite(folder) : entry.LastWriteTimeUtc, TimeSpan.Zero);
        var commit = entry is DirectoryInfo ? GitCheckout.HeadOf(entry.FullName) : null;
        var late = deadline.For(student) is { } due && submittedAt > due;
        return new StudentSubmission(student, entry.FullName, commit, submittedAt, SubmissionTimeSource.FileTime, late, 0);
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
