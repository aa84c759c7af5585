using System.Runtime.InteropServices;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// The worker leads a process group of its own, so that the grader can kill it together with anything a
/// test started (.NET cannot set a child's group at spawn, so the worker sets its own, before any test
/// code loads). Seccomp then keeps a test from leaving the group.
/// </summary>
static class ProcessGroup
{
    public static SandboxLayer Lead()
    {
        if (OperatingSystem.IsWindows())
            return new(SandboxLayerNames.ProcessGroup, false, "Windows has no process groups: the grader kills the worker's process tree instead");
        try
        {
            var self = Environment.ProcessId;
            if (Libc.setpgid(0, 0) != 0 && Libc.getpgid(0) != self)
                return new(SandboxLayerNames.ProcessGroup, false, $"setpgid failed (errno {Marshal.GetLastPInvokeError()}): the grader kills the worker's process tree instead");
            return new(SandboxLayerNames.ProcessGroup, true,
                "leads a process group of its own, which the grader kills whole; it kills the group itself when the grader's end of its stdin closes");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return new(SandboxLayerNames.ProcessGroup, false, $"no setpgid here ({e.GetType().Name}): the grader kills the worker's process tree instead");
        }
    }

    /// <summary>
    /// Linux: whether any process is still the worker's child. The worker is a child subreaper, so a
    /// process a test detached (a double fork) is re-parented to it rather than to init while it lives.
    /// </summary>
    public static bool HasChildren()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Directory.EnumerateDirectories("/proc/self/task")
                .Any(task => File.ReadAllText(Path.Combine(task, "children")).Trim().Length > 0);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Linux: children that lose their parent come to the worker, so the grader finds them in its process tree.</summary>
    public static void BecomeSubreaper()
    {
        if (OperatingSystem.IsLinux()) Libc.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}
