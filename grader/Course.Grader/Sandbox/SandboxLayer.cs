namespace Course.Grader.Sandbox;

/// <summary>
/// One layer of the sandbox the test worker runs in, and whether it held for a run: <paramref name="Detail"/>
/// says what it did when active, or the true reason it was not (a kernel without the feature, another OS).
/// Compiled into both the grader and the worker, which reports the layers it applied to itself.
/// </summary>
public sealed record SandboxLayer(string Name, bool Active, string Detail)
{
    public override string ToString() => $"{Name}: {(Active ? "active" : "inactive")}: {Detail}";
}

/// <summary>The layers' names, in the order a report lists them.</summary>
public static class SandboxLayerNames
{
    /// <summary>The worker gets none of the grader's environment but an allow-list of variables.</summary>
    public const string Environment = "environment";

    /// <summary>A fresh folder only the grader's user can enter; the worker may write only in its scratch folder.</summary>
    public const string RunFolder = "run-folder";

    /// <summary>The worker leads a process group of its own, which the grader kills whole.</summary>
    public const string ProcessGroup = "process-group";

    /// <summary>The memory and process limits count every process in the worker's group.</summary>
    public const string GroupLimits = "group-limits";

    /// <summary>Kernel resource limits: no core files, a cap on file size and on processes.</summary>
    public const string ResourceLimits = "rlimits";

    /// <summary>The worker holds no Linux capabilities, even when the grader runs as root.</summary>
    public const string Capabilities = "capabilities";

    /// <summary>No program the worker runs can gain privileges (setuid binaries, file capabilities).</summary>
    public const string NoNewPrivileges = "no-new-privs";

    /// <summary>Landlock: what the worker may read, write and execute.</summary>
    public const string LandlockFilesystem = "landlock-fs";

    /// <summary>Landlock: no TCP bind or connect.</summary>
    public const string LandlockNetwork = "landlock-net";

    /// <summary>Landlock: no signals to and no abstract UNIX sockets of processes outside the sandbox.</summary>
    public const string LandlockScope = "landlock-scope";

    /// <summary>A seccomp filter that denies new programs and processes, tracing, signals to others and more.</summary>
    public const string Seccomp = "seccomp";

    /// <summary>Layers the worker applies to itself and reports, in report order.</summary>
    public static readonly IReadOnlyList<string> WorkerApplied =
        [ProcessGroup, ResourceLimits, Capabilities, NoNewPrivileges, LandlockFilesystem, LandlockNetwork, LandlockScope, Seccomp];
}
