using System.Runtime.InteropServices;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// Landlock (Linux 5.13+, unprivileged): the calling thread, and everything it later executes or starts,
/// may touch only the paths it was given, may not bind or connect TCP sockets (ABI 4+), and may not signal
/// or reach the abstract UNIX sockets of processes outside its domain (ABI 6+). Rights the running kernel
/// does not know are left out (the best-effort pattern of the Landlock documentation), and each layer
/// reports which ABI it got. See https://docs.kernel.org/userspace-api/landlock.html.
/// </summary>
static class Landlock
{
    [StructLayout(LayoutKind.Sequential)]
    public struct RulesetAttr
    {
        public ulong HandledAccessFs;
        public ulong HandledAccessNet;
        public ulong Scoped;
    }

    /// <summary>Packed in the kernel's header: 12 bytes.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    public struct PathBeneathAttr
    {
        public ulong AllowedAccess;
        public int ParentFd;
    }

    /// <summary>What a rule lets the worker do beneath its path.</summary>
    public enum Access
    {
        Read,
        ReadExecute,
        /// <summary>Read and write existing files (devices, its own /proc entry), but create nothing.</summary>
        ReadWrite,
        /// <summary>Everything, creating and removing included: the scratch folder.</summary>
        Full,
    }

    /// <param name="KeepOpen">Keep the path's descriptor open across exec. A rule holds an inode, and procfs
    /// makes a new inode each time it rebuilds a dentry (after the kernel reclaims it under memory pressure
    /// or on drop_caches), so a rule on a /proc path holds only while something pins its dentry.</param>
    public sealed record PathRule(string Path, Access Access, bool KeepOpen = false);

    const long CreateRulesetCall = 444, AddRuleCall = 445, RestrictSelfCall = 446;
    const nint CreateRulesetVersion = 1, RulePathBeneath = 1;

    const ulong Execute = 1UL << 0, WriteFile = 1UL << 1, ReadFile = 1UL << 2, ReadDir = 1UL << 3,
        RemoveDir = 1UL << 4, RemoveFile = 1UL << 5, MakeChar = 1UL << 6, MakeDir = 1UL << 7, MakeReg = 1UL << 8,
        MakeSock = 1UL << 9, MakeFifo = 1UL << 10, MakeBlock = 1UL << 11, MakeSym = 1UL << 12,
        Refer = 1UL << 13, Truncate = 1UL << 14, IoctlDev = 1UL << 15;

    /// <summary>The rights that apply to a file (not a folder); a rule on a file may grant only these.</summary>
    const ulong FileRights = Execute | WriteFile | ReadFile | Truncate | IoctlDev;

    const ulong NetBindTcp = 1UL << 0, NetConnectTcp = 1UL << 1;
    const ulong ScopeAbstractUnixSocket = 1UL << 0, ScopeSignal = 1UL << 1;

    /// <summary>The kernel's Landlock ABI version (1, 2, ...), or null with the reason it has none.</summary>
    public static int? Abi(out string whyNot)
    {
        var abi = Libc.syscall(CreateRulesetCall, 0, 0, CreateRulesetVersion);
        var errno = Marshal.GetLastPInvokeError();
        whyNot = abi > 0 ? "" : errno switch
        {
            Libc.ENOSYS => "the kernel has no Landlock (it needs Linux 5.13 built with CONFIG_SECURITY_LANDLOCK)",
            Libc.EOPNOTSUPP => "Landlock is built into the kernel but not enabled (add landlock to the lsm= boot parameter)",
            _ => $"the kernel refused to report its Landlock ABI (errno {errno})",
        };
        return abi > 0 ? (int)abi : null;
    }

    /// <summary>
    /// Restricts the calling thread to <paramref name="rules"/>. The thread must have no_new_privs set.
    /// Returns the filesystem, network and scope layers, each active only if the kernel applied it.
    /// </summary>
    public static IReadOnlyList<SandboxLayer> RestrictSelf(IReadOnlyList<PathRule> rules, string summary)
    {
        if (Abi(out var whyNot) is not { } abi)
            return
            [
                new(SandboxLayerNames.LandlockFilesystem, false, whyNot),
                new(SandboxLayerNames.LandlockNetwork, false, whyNot),
                new(SandboxLayerNames.LandlockScope, false, whyNot),
            ];
        var attr = new RulesetAttr
        {
            HandledAccessFs = HandledFilesystemAccess(abi),
            HandledAccessNet = abi >= 4 ? NetBindTcp | NetConnectTcp : 0,
            Scoped = abi >= 6 ? ScopeAbstractUnixSocket | ScopeSignal : 0,
        };
        // Each field came with an ABI: pass only the ones this kernel knows.
        var size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
        var ruleset = (int)Libc.syscall(CreateRulesetCall, ref attr, size, 0);
        if (ruleset < 0) return Failed($"the kernel refused the ruleset (ABI {abi}, errno {Marshal.GetLastPInvokeError()})");
        try
        {
            var added = 0;
            var missing = new List<string>();
            foreach (var rule in rules)
            {
                var errno = AddRule(ruleset, rule, attr.HandledAccessFs);
                if (errno == 0) added++;
                else if (errno == Libc.ENOENT) missing.Add(rule.Path);
                else return Failed($"the kernel refused the rule for {rule.Path} (ABI {abi}, errno {errno})");
            }
            if (Libc.syscall(RestrictSelfCall, ruleset, 0, 0) != 0)
                return Failed($"landlock_restrict_self failed (ABI {abi}, errno {Marshal.GetLastPInvokeError()})");
            var skipped = missing.Count > 0 ? $"; {missing.Count} listed paths do not exist here" : "";
            return
            [
                new(SandboxLayerNames.LandlockFilesystem, true, $"ABI {abi}: {summary}; {added} rules{skipped}"),
                abi >= 4
                    ? new(SandboxLayerNames.LandlockNetwork, true, $"ABI {abi}: every TCP bind and connect is denied")
                    : new(SandboxLayerNames.LandlockNetwork, false, $"the kernel's Landlock ABI {abi} has no network rules (they need ABI 4, Linux 6.7)"),
                abi >= 6
                    ? new(SandboxLayerNames.LandlockScope, true, $"ABI {abi}: no signals to, and no abstract UNIX sockets of, processes outside the sandbox")
                    : new(SandboxLayerNames.LandlockScope, false, $"the kernel's Landlock ABI {abi} has no scopes (they need ABI 6, Linux 6.12)"),
            ];
        }
        finally
        {
            Libc.close(ruleset);
        }
    }

    static IReadOnlyList<SandboxLayer> Failed(string why) =>
    [
        new(SandboxLayerNames.LandlockFilesystem, false, why),
        new(SandboxLayerNames.LandlockNetwork, false, why),
        new(SandboxLayerNames.LandlockScope, false, why),
    ];

    /// <summary>
    /// Every filesystem right the ABI knows, so that each is denied unless a rule grants it, except
    /// IOCTL_DEV: left unhandled so that CUDA's ioctls on /dev/nvidia* keep working (the devices the
    /// worker may open at all are few, see <see cref="SandboxPolicy"/>).
    /// </summary>
    static ulong HandledFilesystemAccess(int abi)
    {
        var access = Execute | WriteFile | ReadFile | ReadDir | RemoveDir | RemoveFile | MakeChar | MakeDir | MakeReg
            | MakeSock | MakeFifo | MakeBlock | MakeSym;
        if (abi >= 2) access |= Refer;
        if (abi >= 3) access |= Truncate;
        return access;
    }

    static ulong Rights(Access access, ulong handled) => handled & access switch
    {
        Access.Read => ReadFile | ReadDir,
        Access.ReadExecute => ReadFile | ReadDir | Execute,
        Access.ReadWrite => ReadFile | ReadDir | WriteFile | Truncate,
        _ => ulong.MaxValue,
    };

    /// <summary>Adds one rule; returns 0, or the errno (ENOENT: the path does not exist here).</summary>
    static int AddRule(int ruleset, PathRule rule, ulong handled)
    {
        var isDirectory = Directory.Exists(rule.Path);
        if (!isDirectory && !File.Exists(rule.Path)) return Libc.ENOENT;
        var allowed = Rights(rule.Access, handled);
        if (!isDirectory) allowed &= FileRights;
        var fd = Libc.open(rule.Path, Libc.O_PATH | (rule.KeepOpen ? 0 : Libc.O_CLOEXEC), 0);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        var attr = new PathBeneathAttr { AllowedAccess = allowed, ParentFd = fd };
        var result = Libc.syscall(AddRuleCall, ruleset, RulePathBeneath, ref attr, 0);
        var errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
        if (!rule.KeepOpen) Libc.close(fd);
        return errno;
    }
}
