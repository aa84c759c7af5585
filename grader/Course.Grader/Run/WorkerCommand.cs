using System.Diagnostics;

namespace Course.Grader.Run;

/// <summary>The command line and environment of the test worker (see Course.Worker's usage).</summary>
static class WorkerCommand
{
    /// <summary>Never handed to a graded run: record mode would overwrite goldens instead of checking against them.</summary>
    static readonly string[] RemovedVariables = ["COURSE_GOLDEN", "COURSE_GOLDEN_DIR"];
    const string OpenMpThreads = "OMP_NUM_THREADS";

    public static ProcessStartInfo StartInfo(WorkerLocation worker, string runDirectory, IReadOnlyList<string> assemblies, IReadOnlySet<string> skip)
    {
        var info = new ProcessStartInfo(WorkerLocation.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = runDirectory,
        };
        info.ArgumentList.Add(worker.WorkerPath);
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--dir");
        info.ArgumentList.Add(runDirectory);
        foreach (var assembly in assemblies)
        {
            info.ArgumentList.Add("--assembly");
            info.ArgumentList.Add(assembly);
        }
        foreach (var name in skip.Order(StringComparer.Ordinal))
        {
            info.ArgumentList.Add("--skip");
            info.ArgumentList.Add(name);
        }
        info.ArgumentList.Add(WorkerProtocol.NonceFromStdinOption);
        foreach (var name in RemovedVariables) info.Environment.Remove(name);
        // One libtorch (OpenMP) thread unless the grader's environment says otherwise: on a busy machine
        // two spinning OpenMP threads made hw3's 3 s training test take 80 s. Parallelism comes from
        // grading several submissions at once instead.
        if (!info.Environment.ContainsKey(OpenMpThreads)) info.Environment[OpenMpThreads] = "1";
        // A crashing test must not leave a dump of the process behind.
        info.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        info.Environment["DOTNET_EnableCrashReport"] = "0";
        return info;
    }
}
