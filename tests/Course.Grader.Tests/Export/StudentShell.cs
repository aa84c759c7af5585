using System.Diagnostics;
using System.Text;

namespace Course.Grader.Tests.Export;

/// <summary>What a command printed (stdout and stderr interleaved), how it ended and how long it took.</summary>
sealed record ShellRun(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public string Describe() => $"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:0}s:\n{Tail(Output)}";

    static string Tail(string text) => text.Length <= 6000 ? text : "...\n" + text[^6000..];
}

/// <summary>
/// Runs commands in a student repo as a student's machine or a GitHub runner would: through bash, without the
/// variables the test host inherited from `dotnet test` (MSBuild's, the test platform's, the grader's own), and
/// without MSBuild nodes left running afterwards. C# compiles go to Roslyn's compiler server, as the course's build
/// settings ask (Directory.Build.props): the one `dotnet build Course.sln` started, when it is still running.
/// </summary>
static class StudentShell
{
    static readonly string[] InheritedPrefixes = ["MSBUILD", "VSTEST", "TESTINGPLATFORM", "DOTNET_HOST_PATH", "COURSE_", "GITHUB_", "NUGET_PLUGIN"];

    public static ShellRun Run(string workingDirectory, string command, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        // As GitHub runs a step's `run:` (shell: bash).
        var start = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--noprofile", "--norc", "-eo", "pipefail", "-c", command }) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => InheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
            start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;

        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"`{command}` took longer than {(timeout ?? TimeSpan.FromMinutes(10)).TotalMinutes} minutes:\n{output}");
        }
        process.WaitForExit();
        var run = new ShellRun(command, process.ExitCode, output.ToString(), clock.Elapsed);
        TestContext.Progress.WriteLine($"  {run.Elapsed.TotalSeconds,5:0}s  exit {run.ExitCode}  {command}");
        return run;
    }
}
