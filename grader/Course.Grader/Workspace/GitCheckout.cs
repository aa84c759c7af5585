using System.Diagnostics;

namespace Course.Grader.Workspace;

/// <summary>
/// Checks out one commit of a git repository with the git command line, no prompts and no hooks. A repository on this
/// machine is student data (an upload the instructor unpacked, a download): git never reads it where it lies, since its
/// <c>.git</c> can send git elsewhere (a link, <c>commondir</c>, <c>objects/info/alternates</c>: a red team, stop 60, so
/// graded an empty folder on another student's repository, 100/100). Its refs and objects are copied first, as plain files
/// under caps (<see cref="CopyOfRepository"/>), and git clones that copy, bare. Nor does git check the commit out: a
/// commit's own <c>.gitattributes</c> shape what a checkout writes (<c>ident</c> and <c>working-tree-encoding</c> grew
/// a tree within the caps 48 times, and 300,000 submodules made as many folders: the next red team, stop 60), so its
/// files are listed (<c>git ls-tree</c>), held to the archives' caps, and written from their blobs' raw bytes
/// (<c>git cat-file --batch</c>), regular files only, as an archive unpacks. The whole checkout has one time limit.
/// </summary>
public static class GitCheckout
{
    /// <summary>The time a checkout may take, copy, clone, listing and writing together (a homework's repository takes seconds).</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromMinutes(2);

    /// <returns>The full commit id that was checked out, and a note for each entry of its tree that was not written.</returns>
    public static (string Commit, IReadOnlyList<string> Notes) Checkout(string repository, string? gitRef, string destination, ExtractionLimits? limits = null)
    {
        limits ??= ExtractionLimits.Default;
        var clock = Stopwatch.StartNew();
        var source = Directory.Exists(repository) ? CopyOfRepository(repository, destination + ".source", limits) : repository;
        var clone = destination + ".git";
        Run(null, clock, "clone", "--quiet", "--bare", "--no-hardlinks", "--", source, clone);
        var commit = Run(clone, clock, "rev-parse", "--verify", "--quiet", (gitRef ?? "HEAD") + "^{commit}").Trim();
        var (files, notes) = FilesOf(Run(clone, clock, "ls-tree", "-r", "-l", "-z", "--full-tree", commit), limits);
        Directory.CreateDirectory(destination);
        WriteBlobs(clone, clock, files, destination);
        return (commit, notes);
    }

    /// <summary>
    /// A copy of what a clone reads from the repository at <paramref name="repository"/> (its <c>.git</c> folder, or the
    /// folder itself when bare): <c>HEAD</c>, <c>packed-refs</c>, <c>shallow</c>, the files under <c>refs/</c>, loose objects
    /// and packs. Only those names, only regular files (never a link, FIFO or device), up to four times the bytes an archive
    /// may unpack to (a repository holds its history) and a folder walk's entries. Nothing else is copied, so nothing else is read.
    /// </summary>
    /// <exception cref="SubmissionException">The repository's <c>.git</c> is a link or a file, or it is larger than the caps.</exception>
    static string CopyOfRepository(string repository, string copy, ExtractionLimits limits)
    {
        var dotGit = Path.Combine(repository, ".git");
        var git = FileEntry.Of(dotGit).Kind switch
        {
            FileKind.Directory => dotGit,
            FileKind.Missing => repository,
            _ => throw new SubmissionException($"the repository's .git is {FileEntry.Describe(FileEntry.Of(dotGit).Kind)}, not a folder: only a repository's own .git folder is read"),
        };
        var maxBytes = limits.MaxTotalBytes * 4;
        var walk = SafeFiles.Walk(git, WalkLimits.Default, enter: e => IsCopied(e.Path, folder: true));
        if (walk.Truncated) throw new SubmissionException($"the repository's .git holds more than {WalkLimits.Default.MaxEntries} entries");
        Directory.CreateDirectory(copy);
        long total = 0;
        foreach (var (path, entry) in walk.Entries)
        {
            var target = Path.Combine(copy, path.Replace('/', Path.DirectorySeparatorChar));
            try
            {
                if (entry.Kind == FileKind.Directory && IsCopied(path, folder: true)) Directory.CreateDirectory(target);
                if (!entry.IsRegular || !IsCopied(path, folder: false)) continue;
                var (outcome, bytes, _) = SafeFiles.ReadBytes(Path.Combine(git, path.Replace('/', Path.DirectorySeparatorChar)), maxBytes - total);
                if (outcome == ReadOutcome.TooLarge) throw new SubmissionException($"the repository's .git is larger than {SafeFiles.Size(maxBytes)}");
                if (outcome != ReadOutcome.Read) continue;
                total += bytes!.Length;
                File.WriteAllBytes(target, bytes);
            }
            catch (IOException e)
            {
                // The copy is the grader's own fresh folder: only what the student's .git names (a path too deep) fails there.
                throw new SubmissionException($"the repository's .git cannot be copied at '{Report.TextCut.Ellipsis(path, 80)}': {e.Message}");
            }
        }
        Directory.CreateDirectory(Path.Combine(copy, "refs"));
        Directory.CreateDirectory(Path.Combine(copy, "objects"));
        return copy;
    }

    /// <summary>Whether a clone needs the <c>.git</c> entry at <paramref name="path"/> (relative, '/'-separated).</summary>
    static bool IsCopied(string path, bool folder)
    {
        var parts = path.Split('/');
        return (parts, folder) switch
        {
            ([var name], false) => name is "HEAD" or "packed-refs" or "shallow",
            (["refs", ..], _) => true,
            (["objects"] or ["objects", "pack"], true) => true,
            (["objects", var dir], true) => IsHex(dir, 2),
            (["objects", "pack", var name], false) => name.StartsWith("pack-", StringComparison.Ordinal) && (name.EndsWith(".pack", StringComparison.Ordinal) || name.EndsWith(".idx", StringComparison.Ordinal)),
            (["objects", var dir, var name], false) => IsHex(dir, 2) && (IsHex(name, 38) || IsHex(name, 62)),
            _ => false,
        };
    }

    static bool IsHex(string text, int length) => text.Length == length && text.All(Uri.IsHexDigit);

    sealed record TreeFile(string Path, string Blob, long Size);

    /// <summary>
    /// The regular files of a commit's tree, as <c>git ls-tree -r -l -z</c> lists them, held to the caps an archive is:
    /// every entry counts (a submodule too), and the blobs' sizes are what will be written, however many paths name one
    /// blob. Links and submodules are not written, each with a note, as an archive's links are not.
    /// </summary>
    static (List<TreeFile> Files, List<string> Notes) FilesOf(string tree, ExtractionLimits limits)
    {
        var (files, notes) = (new List<TreeFile>(), new List<string>());
        long total = 0;
        var entries = 0;
        foreach (var line in tree.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var (header, name) = line.Split('\t', 2) is [var h, var n] ? (h, n) : (line, "");
            var fields = header.Split(' ', StringSplitOptions.RemoveEmptyEntries); // mode type object size
            if (++entries > limits.MaxFiles) throw new SubmissionException($"the commit holds more than {limits.MaxFiles} files (at '{name}')");
            if (fields is not [var mode, var type, var blob, var sizeText] || name.Length == 0)
                throw new SubmissionException($"git ls-tree listed an entry it could not describe: '{line}'");
            if (type == "commit")
            {
                notes.Add($"{name}: a submodule is not part of the submission");
                continue;
            }
            if (mode == "120000")
            {
                notes.Add($"{name}: links are not allowed in a submission");
                continue;
            }
            if (type != "blob" || mode is not ("100644" or "100755") || !long.TryParse(sizeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size))
                throw new SubmissionException($"git ls-tree listed an entry it could not describe: '{line}'");
            if (size > limits.MaxFileBytes) throw new SubmissionException($"'{name}' checks out to more than {limits.MaxFileBytes >> 20} MB");
            if ((total += size) > limits.MaxTotalBytes) throw new SubmissionException($"the commit checks out to more than {limits.MaxTotalBytes >> 20} MB");
            files.Add(new TreeFile(name, blob, size));
        }
        return (files, notes);
    }

    /// <summary>
    /// Writes each file's blob, read with <c>git cat-file --batch</c> as raw bytes, under <paramref name="destination"/>,
    /// placed as an archive's entries are (<see cref="SafeExtraction.PlaceFile"/>). A blob that is not the one listed, or
    /// not its listed size, means a damaged repository.
    /// </summary>
    static void WriteBlobs(string clone, Stopwatch clock, List<TreeFile> files, string destination)
    {
        using var process = Start(clone, ["cat-file", "--batch"], stdin: true);
        var stderr = process.StandardError.ReadToEndAsync();
        var ids = Task.Run(() =>
        {
            try
            {
                foreach (var file in files) process.StandardInput.Write(file.Blob + "\n");
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // git ended early; what it wrote says why
            }
        });
        var writing = Task.Run(() =>
        {
            var output = process.StandardOutput.BaseStream;
            foreach (var file in files)
            {
                var header = ReadLine(output);
                if (header != $"{file.Blob} blob {file.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
                    throw new SubmissionException($"the repository is damaged: git cat-file gave '{header}' for '{file.Path}' ({file.Blob})");
                using (var target = File.Create(SafeExtraction.PlaceFile(destination, file.Path)))
                    CopyExactly(output, target, file.Size, file.Path);
                if (output.ReadByte() != '\n') throw new SubmissionException($"the repository is damaged: git cat-file's output ends early at '{file.Path}'");
            }
        });
        bool written;
        try
        {
            written = writing.Wait(Remaining(clock));
        }
        catch (AggregateException e) when (e.InnerException is SubmissionException damaged)
        {
            process.Kill(entireProcessTree: true);
            throw new SubmissionException(stderr.IsCompleted && stderr.Result.Trim() is { Length: > 0 } said ? $"{damaged.Message} ({said})" : damaged.Message);
        }
        catch (AggregateException e) when (e.InnerException is IOException or UnauthorizedAccessException)
        {
            // Writing into the grade's own fresh folder fails only for what the commit names there.
            process.Kill(entireProcessTree: true);
            throw new SubmissionException($"a file of the commit cannot be written: {e.InnerException.Message}");
        }
        if (!written)
        {
            process.Kill(entireProcessTree: true);
            throw new SubmissionException($"the checkout took longer than {MaxTime.TotalMinutes:0} minutes (writing the commit's files)");
        }
        ids.Wait(Remaining(clock));
        if (!process.WaitForExit(Remaining(clock))) process.Kill(entireProcessTree: true);
    }

    static string ReadLine(Stream stream)
    {
        var line = new List<byte>();
        for (int b; (b = stream.ReadByte()) != '\n';)
        {
            if (b < 0 || line.Count > 200) throw new SubmissionException("the repository is damaged: git cat-file's output ends early");
            line.Add((byte)b);
        }
        return System.Text.Encoding.ASCII.GetString([.. line]);
    }

    static void CopyExactly(Stream from, Stream to, long count, string name)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read <= 0) throw new SubmissionException($"the repository is damaged: git cat-file's output ends early at '{name}'");
            to.Write(buffer, 0, read);
            count -= read;
        }
    }

    static TimeSpan Remaining(Stopwatch clock) => MaxTime - clock.Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>
    /// The commit a folder's HEAD points at, or null when it is not a git work tree or says nothing readable. Read from the
    /// files of <c>.git</c> (HEAD, the ref it names, packed-refs) as plain, size-capped text, never by running git in a folder
    /// a student controls, whose <c>.git/config</c> could make git run a program.
    /// </summary>
    public static string? HeadOf(string folder)
    {
        var git = Path.Combine(folder, ".git");
        if (FileEntry.Of(git).Kind != FileKind.Directory) return null;
        var head = SafeFiles.ReadText(Path.Combine(git, "HEAD"), MaxRefBytes).Text?.Trim();
        if (head is null) return null;
        if (!head.StartsWith("ref: ", StringComparison.Ordinal)) return IsCommitId(head) ? head : null;
        var name = head["ref: ".Length..].Trim();
        if (!name.StartsWith("refs/", StringComparison.Ordinal) || name.Split('/').Any(part => part is "" or "." or "..")) return null;
        var loose = SafeFiles.ReadText(Path.Combine([git, .. name.Split('/')]), MaxRefBytes).Text?.Trim();
        if (loose is not null) return IsCommitId(loose) ? loose : null;
        var packed = SafeFiles.ReadText(Path.Combine(git, "packed-refs"), MaxPackedRefsBytes).Text;
        return packed?.Split('\n').Select(line => line.Trim().Split(' '))
            .FirstOrDefault(fields => fields.Length == 2 && fields[1] == name && IsCommitId(fields[0]))?[0];
    }

    const int MaxRefBytes = 4096;
    const int MaxPackedRefsBytes = 4 << 20;

    /// <summary>A SHA-1 or SHA-256 object id.</summary>
    static bool IsCommitId(string text) => text.Length is 40 or 64 && text.All(Uri.IsHexDigit);

    static Process Start(string? workingDirectory, IEnumerable<string> args, bool stdin = false)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = stdin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "true";
        return Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
    }

    static string Run(string? workingDirectory, Stopwatch clock, params string[] args)
    {
        using var process = Start(workingDirectory, args);
        // Both streams read as they come and the limit on the process itself: a git that hangs (a FIFO where it expects a
        // file, a red team, stop 60) holds its pipes open, so reading one to its end first would wait forever.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Remaining(clock)))
        {
            process.Kill(entireProcessTree: true);
            throw new SubmissionException($"the checkout took longer than {MaxTime.TotalMinutes:0} minutes (at git {args[0]})");
        }
        process.WaitForExit(); // the streams to their end
        if (process.ExitCode != 0)
            throw new SubmissionException($"git {args[0]} failed: {stderr.Result.Trim()}");
        return stdout.Result;
    }
}
