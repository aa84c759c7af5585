using System.Text;

namespace Course.Grader.Workspace;

/// <summary>How far a walk over a student's folder may go: it never follows a link, and stops at these bounds.</summary>
/// <param name="MaxDepth">Folders below the root to descend (the root's own entries are at depth 1).</param>
/// <param name="MaxEntries">Entries (files, folders, links, anything) to look at in all.</param>
public sealed record WalkLimits(int MaxDepth, int MaxEntries)
{
    public static readonly WalkLimits Default = new(MaxDepth: 32, MaxEntries: 20_000);
}

/// <summary>One entry met on a walk: its path relative to the root ('/'-separated), and its kind as lstat says.</summary>
public sealed record WalkEntry(string Path, FileEntry Entry)
{
    public string Name => Path[(Path.LastIndexOf('/') + 1)..];
}

/// <summary>
/// What a walk saw, breadth first and in ordinal order within each folder (so the same tree lists the same way).
/// </summary>
/// <param name="Truncated">The walk stopped at <see cref="WalkLimits.MaxEntries"/>: later entries are not listed.</param>
/// <param name="Unreadable">Folders whose entries could not be listed (permissions, a race), skipped.</param>
public sealed record FolderWalk(IReadOnlyList<WalkEntry> Entries, bool Truncated, int Unreadable);

/// <summary>What became of reading a file.</summary>
public enum ReadOutcome
{
    Read,
    Missing,
    /// <summary>A link, a named pipe, a device, a folder...: never opened.</summary>
    NotRegular,
    TooLarge,
    Unreadable,
}

/// <summary>A file's text, or why there is none.</summary>
public sealed record TextRead(ReadOutcome Outcome, string? Text, FileEntry Entry);

/// <summary>
/// Reading and walking folders a student controls: a submission, a git checkout of their repository, a download. Only
/// regular files are opened, decided before opening by the platform's lstat (<see cref="FileEntry.Of"/>); reads stop at a
/// size cap whatever size the file claims; walks never follow a link, are bounded in depth and entries, and skip what they
/// cannot read instead of failing.
/// </summary>
public static class SafeFiles
{
    /// <summary>
    /// The text of <paramref name="path"/> when it is a regular file (not a link to one) of at most
    /// <paramref name="maxBytes"/>, decoded as <see cref="File.ReadAllText(string)"/> does (UTF-8 unless a byte order mark
    /// says otherwise).
    /// </summary>
    public static TextRead ReadText(string path, long maxBytes)
    {
        var (outcome, bytes, entry) = ReadBytes(path, maxBytes);
        if (outcome != ReadOutcome.Read) return new(outcome, null, entry);
        using var reader = new StreamReader(new MemoryStream(bytes!), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return new(ReadOutcome.Read, reader.ReadToEnd(), entry);
    }

    /// <summary>The bytes of <paramref name="path"/> under the same rules as <see cref="ReadText"/>.</summary>
    public static (ReadOutcome Outcome, byte[]? Bytes, FileEntry Entry) ReadBytes(string path, long maxBytes)
    {
        var entry = FileEntry.Of(path);
        if (entry.Kind == FileKind.Missing) return (ReadOutcome.Missing, null, entry);
        if (!entry.IsRegular) return (ReadOutcome.NotRegular, null, entry);
        if (entry.Size > maxBytes) return (ReadOutcome.TooLarge, null, entry);
        try
        {
            using var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                BufferSize = 0,
            });
            // The size lstat gave may be stale or a lie (a file growing, /proc): never read past the cap.
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes) return (ReadOutcome.TooLarge, null, entry with { Size = Math.Max(entry.Size, buffer.Length) });
            }
            return (ReadOutcome.Read, buffer.ToArray(), entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (ReadOutcome.Unreadable, null, entry);
        }
    }

    /// <summary>
    /// The entries under <paramref name="root"/>, breadth first, never through a link (a link is listed as one, and not
    /// entered). <paramref name="enter"/> says which real folders to descend into (default: all); the root itself is
    /// always listed, whatever it is.
    /// </summary>
    public static FolderWalk Walk(string root, WalkLimits? limits = null, Func<WalkEntry, bool>? enter = null)
    {
        limits ??= WalkLimits.Default;
        var entries = new List<WalkEntry>();
        var unreadable = 0;
        var pending = new Queue<(string Full, string Relative, int Depth)>();
        pending.Enqueue((Path.GetFullPath(root), "", 0));
        while (pending.TryDequeue(out var folder))
        {
            if (folder.Depth >= limits.MaxDepth) continue;
            List<string> names;
            try
            {
                names = Directory.EnumerateFileSystemEntries(folder.Full, "*", new EnumerationOptions
                {
                    RecurseSubdirectories = false,
                    IgnoreInaccessible = true,
                    AttributesToSkip = 0,
                    ReturnSpecialDirectories = false,
                    MatchType = MatchType.Simple,
                }).Select(Path.GetFileName).OfType<string>().Take(limits.MaxEntries - entries.Count + 1).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                unreadable++;
                continue;
            }
            names.Sort(StringComparer.Ordinal);
            foreach (var name in names)
            {
                if (entries.Count >= limits.MaxEntries) return new(entries, true, unreadable);
                var full = Path.Combine(folder.Full, name);
                var entry = new WalkEntry(folder.Relative.Length == 0 ? name : $"{folder.Relative}/{name}", FileEntry.Of(full));
                entries.Add(entry);
                if (entry.Entry.Kind == FileKind.Directory && (enter?.Invoke(entry) ?? true))
                    pending.Enqueue((full, entry.Path, folder.Depth + 1));
            }
        }
        return new(entries, false, unreadable);
    }

    /// <summary>"1 MiB", "512 KiB", "300 bytes": a cap as a note to a student states it.</summary>
    public static string Size(long bytes) =>
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB"
        : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} bytes";
}
