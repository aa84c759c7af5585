using System.Diagnostics;

namespace Course.Grader.Tests.Workspace;

/// <summary>A local git repository for tests, driven through the git command line with a fixed identity.</summary>
sealed class GitRepo(string path)
{
    public string Path { get; } = Directory.CreateDirectory(path).FullName;

    public static GitRepo Init(string path)
    {
        var repo = new GitRepo(path);
        repo.Git("init", "--quiet", "--initial-branch=main");
        return repo;
    }

    /// <returns>The new commit's full id.</returns>
    public string CommitAll(string message)
    {
        Git("add", "--all");
        Git("-c", "user.name=Student", "-c", "user.email=student@example.com", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var git = Process.Start(start)!;
        var stdout = git.StandardOutput.ReadToEndAsync();
        var stderr = git.StandardError.ReadToEnd();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, $"git {string.Join(' ', args)}: {stderr}");
        return stdout.Result;
    }
}
