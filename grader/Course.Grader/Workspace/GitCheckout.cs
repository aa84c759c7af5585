using System.Diagnostics;

namespace Course.Grader.Workspace;

/// <summary>
/// Checks out one commit of a git repository with the git command line, no prompts and no hooks. A repository on this
/// machine is student data (an upload the instructor unpacked, a download): git never reads it where it lies, since its
/// <c>.git</c> can send git elsewhere (a link, <c>commondir</c>, <c>objects/info/alternates</c>: a red team, stop 60, so
/// graded an empty folder on another student's repository, 100/100). Its refs and objects are copied first, as plain files
/// under caps (<see cref="CopyOfRepository"/>), and git clones that copy. What a checkout writes is capped like an archive's
/// contents, from the commit's tree before anything is written.
/// </summary>
public static class GitCheckout
{
    /// <returns>The full commit id that was checked out.</returns>
    public static string Checkout(string repository, string? gitRef, string destination, ExtractionLimits? limits = null)
    {
        limits ??= ExtractionLimits.Default;
        var source = Directory.Exists(repository) ? CopyOfRepository(repository, destination + ".git", limits) : repository;
        Run(null, "clone", "--quiet", "--no-checkout", "--no-hardlinks", "--", source, destination);
        var commit = Run(destination, "rev-parse", "--verify", "--quiet", (gitRef ?? "HEAD") + "^{commit}").Trim();
        CheckSize(Run(destination, "ls-tree", "-r", "-l", "-z", commit), limits);
        Run(destination, "-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--detach", commit);
        return commit;
    }

    /// <summary>
    /// A copy of what a clone reads from the repository at <paramref name="repository"/> (its <c>.git</c> folder, or the
    /// folder itself when bare): <c>HEAD</c>, <c>packed-refs</c>, <c>shallow</c>, the files under <c>refs/</c>, loose objects
    /// and packs. Only those names, only regular files (never a link, FIFO or device), under the caps of
    /// <paramref name="limits"/> times four (a repository holds its history). Nothing else is copied, so nothing else is read.
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
        var (maxBytes, maxFiles) = (limits.MaxTotalBytes * 4, limits.MaxFiles * 4);
        var walk = SafeFiles.Walk(git, new WalkLimits(MaxDepth: 16, MaxEntries: maxFiles), enter: e => IsCopied(e.Path, folder: true));
        if (walk.Truncated) throw new SubmissionException($"the repository's .git holds more than {maxFiles} entries");
        Directory.CreateDirectory(copy);
        long total = 0;
        foreach (var (path, entry) in walk.Entries)
        {
            var target = Path.Combine(copy, path.Replace('/', Path.DirectorySeparatorChar));
            if (entry.Kind == FileKind.Directory && IsCopied(path, folder: true)) Directory.CreateDirectory(target);
            if (!entry.IsRegular || !IsCopied(path, folder: false)) continue;
            var (outcome, bytes, _) = SafeFiles.ReadBytes(Path.Combine(git, path.Replace('/', Path.DirectorySeparatorChar)), maxBytes - total);
            if (outcome == ReadOutcome.TooLarge) throw new SubmissionException($"the repository's .git is larger than {SafeFiles.Size(maxBytes)}");
            if (outcome != ReadOutcome.Read) continue;
            total += bytes!.Length;
            File.WriteAllBytes(target, bytes);
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

    /// <summary>
    /// Refuses a commit whose files, as <c>git ls-tree -r -l -z</c> lists them, are more or larger than an archive may
    /// unpack to: git stores one blob once however many paths name it, so a small repository can check out to any size.
    /// </summary>
    static void CheckSize(string tree, ExtractionLimits limits)
    {
        long total = 0;
        var files = 0;
        foreach (var line in tree.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split('\t', 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries); // mode type object size
            if (fields.Length != 4 || fields[1] != "blob" || !long.TryParse(fields[3], System.Globalization.CultureInfo.InvariantCulture, out var size)) continue;
            var name = line.Split('\t', 2) is [_, var n] ? n : "?";
            if (++files > limits.MaxFiles) throw new SubmissionException($"the commit holds more than {limits.MaxFiles} files (at '{name}')");
            if (size > limits.MaxFileBytes) throw new SubmissionException($"'{name}' checks out to more than {limits.MaxFileBytes >> 20} MB");
            if ((total += size) > limits.MaxTotalBytes) throw new SubmissionException($"the commit checks out to more than {limits.MaxTotalBytes >> 20} MB");
        }
    }

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

    static string Run(string? workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = "true";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        // Both streams read as they come and the limit on the process itself: a git that hangs (a FIFO where it expects a
        // file, a red team, stop 60) holds its pipes open, so reading one to its end first would wait forever.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new SubmissionException($"git {args[0]} took longer than 5 minutes");
        }
        process.WaitForExit(); // the streams to their end
        if (process.ExitCode != 0)
            throw new SubmissionException($"git {args[0]} failed: {stderr.Result.Trim()}");
        return stdout.Result;
    }
}
