using System.Diagnostics;

namespace Course.Grader.Tests.Export;

/// <summary>
/// Runs a workflow step's script in bash, as a runner does, with a fake <c>dotnet</c> first on the PATH: each call is
/// logged, and the n-th ends with the n-th of the given exit codes (0 once they run out).
/// </summary>
static class FakeDotnet
{
    /// <param name="expressions">Workflow expressions the script holds (<c>${{ matrix.shard }}</c>) and their values.</param>
    public static (int ExitCode, IReadOnlyList<string> Calls, string Output) RunScript(
        string folder, string script, IReadOnlyList<int> exits, Dictionary<string, string> environment, params (string Expression, string Value)[] expressions)
    {
        Directory.CreateDirectory(folder);
        var bin = Directory.CreateDirectory(Path.Combine(folder, ".fake-bin")).FullName;
        var log = Path.Combine(bin, "calls.log");
        var codes = Path.Combine(bin, "exits");
        File.WriteAllLines(codes, exits.Select(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var fake = Path.Combine(bin, "dotnet");
        File.WriteAllText(fake, $$"""
            #!/usr/bin/env bash
            echo "dotnet $*" >> '{{log}}'
            n=$(wc -l < '{{log}}')
            code=$(sed -n "${n}p" '{{codes}}')
            exit "${code:-0}"

            """);
        if (OperatingSystem.IsWindows()) Assert.Ignore("the workflow's scripts run in bash on Linux runners");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var (expression, value) in expressions) script = script.Replace($"${{{{ {expression} }}}}", value, StringComparison.Ordinal);

        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd() + stderr.GetAwaiter().GetResult();
        process.WaitForExit();
        return (process.ExitCode, File.Exists(log) ? File.ReadAllLines(log) : [], output);
    }
}
