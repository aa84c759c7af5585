using System.Security.Cryptography;
using System.Text;
using Course.Grader.Workspace;

namespace Course.Grader.Batch;

/// <summary>
/// What identifies a submission without a commit (a downloaded folder or archive) across reruns: the SHA-256 of
/// its bytes. The same download hashes the same; a changed file gives a new key and so a new grade.
/// </summary>
public static class SubmissionContent
{
    public const string Prefix = "sha256:";

    /// <summary>How far a folder is walked; a folder with more entries hashes its first ones and a mark that it was cut.</summary>
    static readonly WalkLimits Walk = new(MaxDepth: 64, MaxEntries: 100_000);

    /// <summary>A file larger than this (far more than any graded file may be) counts by its name and size, not its bytes.</summary>
    const long MaxHashedFileBytes = 16L << 20;

    /// <summary>Bytes hashed in all; later files count by their name and size.</summary>
    const long MaxHashedBytes = 256L << 20;

    /// <summary>
    /// <c>sha256:…</c> of an archive's bytes, or of a folder's regular files (relative path and bytes, in path order; links,
    /// pipes and other special files, and .git, left out). Nothing is opened that is not a regular file, so a named pipe
    /// cannot hang a batch.
    /// </summary>
    public static string Key(string path)
    {
        var entry = FileEntry.Of(path);
        // The download itself may be a link the instructor made; what it points at must still be a file or a folder.
        if (entry.Kind == FileKind.SymbolicLink && FinalTarget(path) is { } target) entry = FileEntry.Of(path = target);
        if (entry.Kind == FileKind.Regular)
        {
            using var stream = File.OpenRead(path);
            return Prefix + Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        if (entry.Kind != FileKind.Directory && !Directory.Exists(path))
            throw entry.Kind == FileKind.Missing
                ? new FileNotFoundException($"no submission at {path}", path)
                : new SubmissionException($"{path} is {FileEntry.Describe(entry.Kind)}, not a folder or an archive");

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var (files, truncated) = Listing(path);
        long hashed = 0;
        foreach (var (name, file, size) in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            if (size > MaxHashedFileBytes || hashed + size > MaxHashedBytes || !TryAppend(sha, file, size))
                sha.AppendData(Encoding.UTF8.GetBytes($"[{size} bytes, not hashed]"));
            else
                hashed += size;
            sha.AppendData("\0"u8);
        }
        if (truncated) sha.AppendData("\0[cut]\0"u8);
        return Prefix + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Appends the file's bytes when it is still a regular file of at most <paramref name="size"/> bytes (what the walk saw).</summary>
    static bool TryAppend(IncrementalHash sha, string file, long size)
    {
        // Read in full before hashing, so that a file that grew or cannot be read leaves the hash untouched.
        var (outcome, bytes, _) = SafeFiles.ReadBytes(file, size);
        if (outcome != ReadOutcome.Read) return false;
        sha.AppendData(bytes!);
        return true;
    }

    static string? FinalTarget(string link)
    {
        try { return File.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName; }
        catch (IOException) { return null; }
    }

    /// <summary>A folder's regular files, by relative path with '/' separators, outside .git and never through a link.</summary>
    internal static IReadOnlyList<(string Name, string Path, long Size)> FilesOf(string folder) => Listing(folder).Files;

    static (IReadOnlyList<(string Name, string Path, long Size)> Files, bool Truncated) Listing(string folder)
    {
        var walk = SafeFiles.Walk(folder, Walk, dir => dir.Name != ".git");
        var files = walk.Entries
            .Where(e => e.Entry.IsRegular)
            .Select(e => (e.Path, System.IO.Path.Combine(folder, e.Path.Replace('/', System.IO.Path.DirectorySeparatorChar)), e.Entry.Size))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
        return (files, walk.Truncated);
    }
}
