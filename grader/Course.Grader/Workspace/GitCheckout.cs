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

    /// <summary>The commit a folder's HEAD points at, or null when it is not a git work tree.</summary>
    public static string? HeadOf(string folder)
    {
        if (!Directory.Exists(Path.Combine(folder, ".git"))) return null;
        try { return Run(folder, "rev-parse", "HEAD").Trim(); }
        catch (SubmissionException) { return null; }
    }

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
