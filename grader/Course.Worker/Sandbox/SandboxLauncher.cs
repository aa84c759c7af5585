using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// The worker's first start on Linux. Landlock, no_new_privs and capabilities bind only the calling
/// thread, and a managed Main already shares its process with runtime threads (the finalizer thread
/// runs test code), so this start restricts its main thread and then replaces the whole process image
/// with a new start of the worker (same pid, same process group, same stdin): every thread the new
/// image will ever have starts inside the sandbox. It loads nothing but the worker's own assembly.
/// </summary>
static class SandboxLauncher
{
    /// <summary>Exit code when the worker cannot re-execute itself; stderr says why.</summary>
    public const int ExecFailed = 70;

    public static int Relaunch(WorkerOptions options, IReadOnlyList<string> args)
    {
        var layers = new List<SandboxLayer> { ResourceLimits.Apply(), Privileges.DropCapabilities() };
        var noNewPrivileges = Privileges.ForbidNewPrivileges();
        layers.Add(noNewPrivileges);
        // Before Landlock opens the descriptors it keeps across exec.
        CloseOnExecBeyondStdio();
        layers.AddRange(noNewPrivileges.Active
            ? Landlock.RestrictSelf(SandboxPolicy.Rules(options, Environment.ProcessId), SandboxPolicy.Summary)
            : LandlockNames.Select(name => new SandboxLayer(name, false, "Landlock needs no_new_privs, which could not be set")));

        var failed = ProcessImage.Replace(typeof(SandboxLauncher).Assembly, [.. args, WorkerOptions.SandboxedOption, SandboxReport.Encode(layers)]);
        Console.Error.WriteLine($"Course.Worker: could not re-execute {failed} inside the sandbox");
        return ExecFailed;
    }

    /// <summary>
    /// Descriptors the grader's own process inherited without close-on-exec (from a CI runner, a shell)
    /// would otherwise pass into the worker: only stdin, stdout and stderr do.
    /// </summary>
    static void CloseOnExecBeyondStdio()
    {
        const int SetDescriptorFlags = 2, CloseOnExec = 1;
        foreach (var entry in Directory.GetFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out var fd) && fd > 2) Libc.fcntl(fd, SetDescriptorFlags, CloseOnExec);
        }
    }

    static readonly string[] LandlockNames = [SandboxLayerNames.LandlockFilesystem, SandboxLayerNames.LandlockNetwork, SandboxLayerNames.LandlockScope];
}
