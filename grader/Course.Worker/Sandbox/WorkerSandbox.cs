using System.Runtime.InteropServices;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// The worker's side of the sandbox once it runs in its final process image: checks that what the first
/// start applied holds (by the kernel's word, or by an access that must fail), installs seccomp on every
/// thread, and returns every layer, active or not with the reason, in report order.
/// </summary>
static class WorkerSandbox
{
    public static IReadOnlyList<SandboxLayer> Complete(WorkerOptions options, SandboxLayer processGroup)
    {
        if (!OperatingSystem.IsLinux()) return ElsewhereThanLinux(processGroup);
        var layers = Privileges.Verify(SandboxReport.Decode(options.SandboxReport ?? "")).Select(VerifyLandlock).ToList();
        ProcessGroup.BecomeSubreaper();
        var seccomp = options.SandboxWithout.Contains(SandboxLayerNames.Seccomp)
            ? new SandboxLayer(SandboxLayerNames.Seccomp, false, "left out at the grader's request")
            : VerifySeccomp(Seccomp.Install(Environment.ProcessId));
        layers.Add(seccomp);
        layers.Add(seccomp.Active || !processGroup.Active
            ? processGroup
            : processGroup with
            {
                Detail = processGroup.Detail + "; without seccomp a child can leave the group with setsid, and the grader then finds it " +
                         "only in the worker's process tree (the worker is a child subreaper) or by the output pipes it holds",
            });
        return Ordered(layers);
    }

    static IReadOnlyList<SandboxLayer> Ordered(IEnumerable<SandboxLayer> layers)
    {
        var byName = layers.ToDictionary(l => l.Name, StringComparer.Ordinal);
        return SandboxLayerNames.WorkerApplied
            .Select(name => byName.GetValueOrDefault(name) ?? new SandboxLayer(name, false, "the worker's first start did not report it"))
            .ToList();
    }

    static SandboxLayer VerifyLandlock(SandboxLayer layer)
    {
        if (!layer.Active) return layer;
        var (holds, check) = layer.Name switch
        {
            SandboxLayerNames.LandlockFilesystem => (ListingRootIsDenied(), "listing / still works"),
            SandboxLayerNames.LandlockNetwork => (TcpBindIsDenied(), "binding a TCP port on 127.0.0.1 still works"),
            SandboxLayerNames.LandlockScope => (SignalToGraderIsDenied(), "signalling the grader still works"),
            _ => (true, ""),
        };
        return holds ? layer : layer with { Active = false, Detail = $"the kernel took the rules, but {check}" };
    }

    static bool ListingRootIsDenied()
    {
        try
        {
            Directory.GetFileSystemEntries("/");
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    static bool TcpBindIsDenied()
    {
        const int AfInet = 2, SockStream = 1;
        var fd = Libc.socket(AfInet, SockStream | Libc.O_CLOEXEC, 0);
        if (fd < 0) return false;
        try
        {
            // struct sockaddr_in for 127.0.0.1, port 0 (any free port).
            byte[] address = [AfInet, 0, 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
            return Libc.bind(fd, address, address.Length) != 0 && Marshal.GetLastPInvokeError() == Libc.EACCES;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /// <summary>Signal 0 only asks whether a signal would be allowed; the grader is the worker's parent.</summary>
    static bool SignalToGraderIsDenied() => Libc.kill(Libc.getppid(), 0) != 0 && Marshal.GetLastPInvokeError() == Libc.EPERM;

    static SandboxLayer VerifySeccomp(SandboxLayer layer) =>
        layer.Active && ProcessStatus.Read().SeccompMode != 2
            ? layer with { Active = false, Detail = "the kernel took the filter, but /proc/self/status shows no seccomp filter" }
            : layer;

    static IReadOnlyList<SandboxLayer> ElsewhereThanLinux(SandboxLayer processGroup)
    {
        var os = OperatingSystem.IsMacOS() ? "macOS" : OperatingSystem.IsWindows() ? "Windows" : "this OS";
        var limits = OperatingSystem.IsMacOS()
            ? ResourceLimits.Apply()
            : new SandboxLayer(SandboxLayerNames.ResourceLimits, false, $"{os} has no rlimits the worker sets");
        return Ordered(
        [
            processGroup,
            limits,
            new(SandboxLayerNames.Capabilities, false, $"Linux capabilities do not exist on {os}"),
            new(SandboxLayerNames.NoNewPrivileges, false, $"no_new_privs is a Linux feature, not on {os}"),
            new(SandboxLayerNames.LandlockFilesystem, false, $"Landlock is a Linux feature, not on {os}"),
            new(SandboxLayerNames.LandlockNetwork, false, $"Landlock is a Linux feature, not on {os}"),
            new(SandboxLayerNames.LandlockScope, false, $"Landlock is a Linux feature, not on {os}"),
            new(SandboxLayerNames.Seccomp, false, $"seccomp is a Linux feature, not on {os}"),
        ]);
    }
}
