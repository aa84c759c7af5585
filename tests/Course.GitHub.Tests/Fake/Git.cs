using System.Diagnostics;

namespace Course.GitHub.Tests.Fake;

/// <summary>The git command line, for the fake server's repositories and the tests that build them.</summary>
public static class Git
{
    public static string Run(string directory, params string[] args) => Encoding(RunBytes(directory, null, args));

    public static string Run(string directory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Encoding(RunBytes(directory, environment, args));

    public static byte[] RunBytes(string directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var git = Process.Start(start)!;
        using var stdout = new MemoryStream();
        var copy = git.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = git.StandardError.ReadToEnd();
        git.WaitForExit();
        copy.Wait();
        if (git.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        return stdout.ToArray();
    }

    static string Encoding(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
