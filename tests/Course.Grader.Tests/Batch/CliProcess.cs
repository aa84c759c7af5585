using System.Diagnostics;
using System.Text;

namespace Course.Grader.Tests.Batch;

/// <summary>The `course` CLI as a process of its own, as an instructor runs it, with its output read as it comes.</summary>
internal static class CliProcess
{
    public static (Process Process, StringBuilder Output) Start(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    /// <summary>Waits for the process to end, killing it and failing the test past <paramref name="bound"/>.</summary>
    public static (int ExitCode, string Output) Finish((Process Process, StringBuilder Output) runner, TimeSpan bound)
    {
        using var process = runner.Process;
        if (!process.WaitForExit(bound))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (runner.Output) Assert.Fail($"the CLI ran past {bound}:\n{runner.Output}");
        }
        process.WaitForExit();
        lock (runner.Output) return (process.ExitCode, runner.Output.ToString());
    }
}
