using System.Diagnostics;
using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>The command line and environment of the test worker (see Course.Worker's usage).</summary>
static class WorkerCommand
{
    public static ProcessStartInfo StartInfo(WorkerLocation worker, RunFolderLayout folder, IReadOnlySet<string> skip, IReadOnlyList<string> only, IReadOnlyList<string> sandboxWithout,
        IReadOnlyList<string>? later = null)
    {
        var info = Base(worker, "run", folder.Root, folder.Scratch ?? throw new ArgumentException("a run of its own needs a scratch folder", nameof(folder)));
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
        foreach (var name in later ?? [])
        {
            info.ArgumentList.Add("--later");
            info.ArgumentList.Add(name);
        }
        foreach (var layer in sandboxWithout)
        {
            info.ArgumentList.Add("--sandbox-without");
            info.ArgumentList.Add(layer);
        }
        info.ArgumentList.Add(WorkerProtocol.NonceFromStdinOption);
        return info;
    }

    /// <summary>A serving worker (see <see cref="WorkerPool"/>): it may read every run folder under <paramref name="root"/> and write only <paramref name="scratch"/>.</summary>
    public static ProcessStartInfo ServeInfo(WorkerLocation worker, string root, string scratch)
    {
        var info = Base(worker, "serve", root, scratch);
        info.ArgumentList.Add(WorkerProtocol.NonceFromStdinOption);
        return info;
    }

    static ProcessStartInfo Base(WorkerLocation worker, string command, string dir, string scratch)
    {
        var info = new ProcessStartInfo(WorkerLocation.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = scratch,
        };
        info.ArgumentList.Add(worker.WorkerPath);
        info.ArgumentList.Add(command);
        info.ArgumentList.Add("--dir");
        info.ArgumentList.Add(dir);
        info.ArgumentList.Add("--scratch");
        info.ArgumentList.Add(scratch);
        WorkerEnvironment.Apply(info.Environment, scratch);
        return info;
    }
}
