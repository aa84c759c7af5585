using System.Runtime.InteropServices;
using static Course.Worker.Sandbox.Landlock;

namespace Course.Worker.Sandbox;

/// <summary>
/// What the worker may touch under Landlock: read and execute the .NET installation, its own folder
/// (TorchSharp's natives are in runtimes/ there) and the system's libraries; read the few files of /etc,
/// /proc and /dev that the runtime, libtorch and CUDA open (found by tracing a grade); read its run
/// folder; write only its scratch folder. Not the home folder, /tmp, the course repository or other
/// grades' run folders, and of /proc only its own entry, so not the grader's environment.
/// </summary>
static class SandboxPolicy
{
    /// <summary>Merged-/usr systems link these into /usr; on others they are folders of their own.</summary>
    static readonly string[] SystemFolders = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin"];

    /// <summary>The dynamic loader's cache and configuration, the time zone, user names: none holds a secret (not /etc/shadow, not /etc/ssl).</summary>
    static readonly string[] ConfigurationFiles =
    [
        "/etc/ld.so.cache", "/etc/ld.so.preload", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/timezone",
        "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/os-release",
    ];

    /// <summary>
    /// System-wide /proc files the runtime and libtorch read (memory, CPUs), and the NVIDIA driver's. Like
    /// the worker's own entry they are kept open (see <see cref="PathRule.KeepOpen"/>): the GC reads
    /// /proc/meminfo at every collection, and without the pin that read fails once the kernel reclaims the dentry.
    /// </summary>
    static readonly string[] ProcFiles = ["/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/proc/driver/nvidia"];

    /// <summary>Not /dev as a whole: a root worker could read the raw disk.</summary>
    static readonly string[] ReadableDevices = ["/dev/random", "/dev/urandom"];

    static readonly string[] WritableDevices = ["/dev/null", "/dev/zero", "/dev/full", "/dev/nvidia-caps"];

    public const string Summary =
        "writes only its scratch folder; reads its run folder, the .NET runtime, the worker, system libraries and its own /proc entry";

    public static IReadOnlyList<PathRule> Rules(WorkerOptions options, int self)
    {
        var rules = new List<PathRule>();
        foreach (var folder in DotnetFolders()) rules.Add(new(folder, Access.ReadExecute));
        rules.Add(new(AppContext.BaseDirectory, Access.ReadExecute));
        rules.AddRange(SystemFolders.Select(folder => new PathRule(folder, Access.ReadExecute)));
        rules.AddRange(ConfigurationFiles.Select(file => new PathRule(file, Access.Read)));
        rules.Add(new("/sys", Access.Read));
        // Its own entry, for reading (maps, status, cgroup) and for naming its threads (task/*/comm).
        rules.Add(new($"/proc/{self}", Access.ReadWrite, KeepOpen: true));
        rules.AddRange(ProcFiles.Select(file => new PathRule(file, Access.Read, KeepOpen: true)));
        rules.AddRange(ReadableDevices.Select(device => new PathRule(device, Access.Read)));
        rules.AddRange(WritableDevices.Select(device => new PathRule(device, Access.ReadWrite)));
        rules.AddRange(NvidiaDevices().Select(device => new PathRule(device, Access.ReadWrite)));
        rules.Add(new(options.RunDirectory, Access.Read));
        rules.Add(new(options.ScratchDirectory, Access.Full));
        return rules;
    }

    /// <summary>The dotnet host's folder (the installation: host/fxr, shared/) and the runtime's own, which may lie elsewhere.</summary>
    static IEnumerable<string> DotnetFolders()
    {
        if (Environment.ProcessPath is { } host && Path.GetDirectoryName(host) is { } hostFolder) yield return hostFolder;
        yield return RuntimeEnvironment.GetRuntimeDirectory();
    }

    static IEnumerable<string> NvidiaDevices()
    {
        try
        {
            return Directory.EnumerateFiles("/dev", "nvidia*").ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
