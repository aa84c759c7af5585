using System.Formats.Tar;
using System.IO.Compression;

namespace Course.Grader.Workspace;

/// <summary>
/// Unpacks zip and tar.gz archives without trusting them: no absolute paths or <c>..</c>, no links of any
/// kind, and caps on file count and on bytes actually written (not the sizes the archive claims).
/// </summary>
public static class SafeExtraction
{
    public static IReadOnlyList<string> ExtractZip(string archive, string destination, ExtractionLimits limits)
    {
        var skipped = new List<string>();
        var budget = new Budget(limits);
        try
        {
            using var zip = ZipFile.OpenRead(archive);
            foreach (var entry in zip.Entries)
            {
                var target = Target(destination, entry.FullName);
                const int UnixFileTypeMask = 0xF000, UnixSymlink = 0xA000;
                if (((entry.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymlink)
                {
                    skipped.Add($"{entry.FullName}: links are not allowed in a submission");
                    continue;
                }
                if (entry.FullName.EndsWith('/'))
                {
                    Place(destination, target, entry.FullName, folder: true);
                    continue;
                }
                budget.CountFile(entry.FullName);
                using var input = entry.Open();
                Write(input, destination, target, budget, entry.FullName);
            }
        }
        catch (InvalidDataException e)
        {
            throw new SubmissionException($"the zip archive is damaged: {e.Message}");
        }
        return skipped;
    }

    public static IReadOnlyList<string> ExtractTarGz(string archive, string destination, ExtractionLimits limits)
    {
        var skipped = new List<string>();
        var budget = new Budget(limits);
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (NextEntry(tar) is { } entry)
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Place(destination, Target(destination, entry.Name), entry.Name, folder: true);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        var target = Target(destination, entry.Name);
                        budget.CountFile(entry.Name);
                        Write(entry.DataStream ?? Stream.Null, destination, target, budget, entry.Name);
                        break;
                    case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                        skipped.Add($"{entry.Name}: links are not allowed in a submission");
                        break;
                    case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes:
                        break; // pax headers (GitHub's tarballs carry the commit id in one)
                    default:
                        skipped.Add($"{entry.Name}: {entry.EntryType} entries are not allowed in a submission");
                        break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new SubmissionException($"the tar.gz archive is damaged: {e.Message}");
        }
        return skipped;
    }

    /// <summary>
    /// The next entry, where any exception of the reader's means the archive is damaged: what it throws for crafted headers
    /// is open-ended (a pax time past <c>long</c>'s range threw <see cref="OverflowException"/>, a grader error until a red
    /// team, stop 60).
    /// </summary>
    static TarEntry? NextEntry(TarReader tar)
    {
        try
        {
            return tar.GetNextEntry();
        }
        catch (Exception e) when (e is not (OutOfMemoryException or SubmissionException))
        {
            throw new SubmissionException($"the tar.gz archive is damaged: {e.Message}");
        }
    }

    const int MaxNameBytes = 255, MaxPathBytes = 1024;

    /// <summary>The path an entry unpacks to, refusing any that would land outside <paramref name="destination"/>.</summary>
    /// <param name="what">What the messages call the entry: an archive's, or a commit's file (<see cref="PlaceFile"/>).</param>
    public static string Target(string destination, string entryName, string what = ArchiveEntry)
    {
        var name = entryName.Replace('\\', '/');
        if (name.StartsWith('/') || Path.IsPathRooted(name) || (name.Length > 1 && name[1] == ':'))
            throw new SubmissionException($"the {what} '{entryName}' has an absolute path");
        if (name.Split('/').Any(part => part == ".."))
            throw new SubmissionException($"the {what} '{entryName}' climbs out of the submission with '..'");
        // Longer than Linux's names (255 bytes a part) would throw when written, a grader error (a red team, stop 60, through a
        // git tree); a submission's paths are far shorter.
        if (name.Split('/').Any(part => System.Text.Encoding.UTF8.GetByteCount(part) > MaxNameBytes) || System.Text.Encoding.UTF8.GetByteCount(name) > MaxPathBytes)
            throw new SubmissionException($"the {what} '{Report.TextCut.Ellipsis(entryName, 80)}' has a name longer than {MaxNameBytes} bytes, or a path longer than {MaxPathBytes}");
        var root = Path.GetFullPath(destination);
        var full = Path.GetFullPath(Path.Combine(root, name));
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != root)
            throw new SubmissionException($"the {what} '{entryName}' would land outside the submission");
        return full;
    }

    /// <summary>
    /// Makes the folders an entry needs, refusing one that collides with an earlier entry: a folder (or a file's folder)
    /// where a file was unpacked, a file where a folder was, or a file named as the archive's root. The destination is a
    /// folder the grader made empty, so only the archive can put anything in the way.
    /// </summary>
    static void Place(string destination, string target, string name, bool folder, string what = ArchiveEntry)
    {
        var root = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar);
        if (!folder && target.TrimEnd(Path.DirectorySeparatorChar) == root)
            throw new SubmissionException($"the {what} '{name}' is a file named as the submission's root folder");
        var parent = folder ? target.TrimEnd(Path.DirectorySeparatorChar) : Path.GetDirectoryName(target)!;
        for (var at = parent; at.Length > root.Length; at = Path.GetDirectoryName(at)!)
            if (File.Exists(at))
                throw new SubmissionException($"the {what} '{name}' needs a folder '{Path.GetRelativePath(root, at)}' where an earlier entry is a file");
        if (!folder && Directory.Exists(target))
            throw new SubmissionException($"the {what} '{name}' is a file where an earlier entry is a folder");
        Directory.CreateDirectory(parent);
    }

    /// <summary>
    /// Where a file entry <paramref name="name"/> unpacks to under <paramref name="destination"/>, its folders made, refused
    /// as <see cref="Target"/> and <see cref="Place"/> refuse an archive's entry: for other unpackers (a git checkout's files).
    /// </summary>
    internal static string PlaceFile(string destination, string name)
    {
        var target = Target(destination, name, CommitFile);
        Place(destination, target, name, folder: false, CommitFile);
        return target;
    }

    const string ArchiveEntry = "archive entry", CommitFile = "commit's file";

    static void Write(Stream input, string destination, string target, Budget budget, string name)
    {
        Place(destination, target, name, folder: false);
        using var output = File.Create(target);
        var buffer = new byte[81920];
        long written = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            written += read;
            budget.CountBytes(name, written, read);
            output.Write(buffer, 0, read);
        }
    }

    sealed class Budget(ExtractionLimits limits)
    {
        long total;
        int files;

        public void CountFile(string name)
        {
            if (++files > limits.MaxFiles)
                throw new SubmissionException($"the archive holds more than {limits.MaxFiles} files (at '{name}')");
        }

        public void CountBytes(string name, long fileSoFar, int chunk)
        {
            total += chunk;
            if (fileSoFar > limits.MaxFileBytes)
                throw new SubmissionException($"'{name}' unpacks to more than {limits.MaxFileBytes >> 20} MB");
            if (total > limits.MaxTotalBytes)
                throw new SubmissionException($"the archive unpacks to more than {limits.MaxTotalBytes >> 20} MB");
        }
    }
}
