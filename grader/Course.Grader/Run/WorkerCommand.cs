using System.Diagnostics;
using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>The command line and environment of the test worker (see Course.Worker's usage).</summary>
static class WorkerCommand
{
    public static ProcessStartInfo StartInfo(WorkerLocation worker, RunFolderLayout folder, IReadOnlySet<string> skip, IReadOnlyList<string> only, IReadOnlyList<string> sandboxWithout)
    {
        var info = new ProcessStartInfo(WorkerLocation.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder.Scratch,
        };
        info.ArgumentList.Add(worker.WorkerPath);
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--dir");
        info.ArgumentList.Add(folder.Root);
        info.ArgumentList.Add("--scratch");
        info.ArgumentList.Add(folder.Scratch);
        foreach (var assembly in folder.Assemblies)
        {
            info.ArgumentList.Add("--assembly");
            info.ArgumentList.Add(assembly);
        }
        foreach (var name in skip.Order(StringComparer.Ordinal))
        {
            info.ArgumentList.Add("--skip");
            info.ArgumentList.Add(name);
        }
        foreach (var name in only)
        {
            info.ArgumentList.Add("--only");
            info.ArgumentList.Add(name);
        }
        foreach (var layer in sandboxWithout)
        {
            info.ArgumentList.Add("--sandbox-without");
            info.ArgumentList.Add(layer);
        }
        info.ArgumentList.Add(WorkerProtocol.NonceFromStdinOption);
        WorkerEnvironment.Apply(info.Environment, folder.Scratch);
        return info;
    }
}
