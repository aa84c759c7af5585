using System.Diagnostics;
using Course.Grader.Manifest;
using Course.Grader.Run;

namespace Course.Grader.Authoring;

/// <summary>
/// Adds projects to Course.sln with <c>dotnet sln add</c>, which puts each in solution folders named after its path
/// (reference/&lt;id&gt;/, assignments/&lt;id&gt;/tests/, starter/&lt;id&gt;/), as the course's other homeworks are.
/// </summary>
internal static class SolutionEntries
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <param name="projects">Project files relative to the course root, '/' separators.</param>
    /// <exception cref="NewHomeworkException"><c>dotnet sln add</c> failed or did not finish in time.</exception>
    public static void Add(CourseLayout layout, IReadOnlyList<string> projects)
    {
        var start = new ProcessStartInfo(WorkerLocation.DotnetHost())
        {
            WorkingDirectory = layout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["sln", CourseLayout.SolutionFileName, "add", .. projects])
            start.ArgumentList.Add(argument);
        // Under `dotnet test` or `dotnet run`, MSBuild's variables point at the parent's MSBuild; the child finds its own.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(variable);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start) ?? throw new NewHomeworkException("could not start `dotnet sln add`");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new NewHomeworkException($"`dotnet sln {CourseLayout.SolutionFileName} add` did not finish within {Timeout.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
            throw new NewHomeworkException($"`dotnet sln {CourseLayout.SolutionFileName} add {string.Join(' ', projects)}` failed (exit code {process.ExitCode}): " +
                $"{error.Result.Trim()} {output.Result.Trim()}".Trim());
    }
}
