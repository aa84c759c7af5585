using System.Diagnostics;

namespace Course.Grader.Workspace;

/// <summary>Checks out one commit of a git repository with the git command line, no prompts and no hooks.</summary>
public static class GitCheckout
{
    /// <returns>The full commit id that was checked out.</returns>
    public static string Checkout(string repository, string? gitRef, string destination)
    {
        Run(null, "clone", "--quiet", "--no-checkout", "--no-hardlinks", "--", repository, destination);
        var commit = Run(destination, "rev-parse", "--verify", "--quiet", (gitRef ?? "HEAD") + "^{commit}").Trim();
        Run(destination, "-c", "core.hooksPath=/dev/null", "checkout", "--quiet", "--detach", commit);
        return commit;
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
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new SubmissionException($"git {args[0]} took longer than 5 minutes");
        }
        if (process.ExitCode != 0)
            throw new SubmissionException($"git {args[0]} failed: {stderr.Trim()}");
        return stdout.Result;
    }
}
