using System.Runtime.InteropServices;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// A seccomp filter for every thread of the worker (SECCOMP_FILTER_FLAG_TSYNC), installed before any
/// test code loads. It answers EPERM to what a test never needs and an escape would: new programs and
/// processes (threads are fine), leaving the process group, tracing or reading other processes, signals
/// to anyone but the worker itself, sockets, io_uring, namespaces, mounts, kernel modules and keys, and
/// changing files' owners, modes and extended attributes (which Landlock does not cover). clone3 answers
/// ENOSYS, so that glibc falls back to clone, whose flags the filter can read. Only x86_64 and aarch64
/// have a table; a syscall from any other ABI (x32, i386 through int 0x80) is denied.
/// </summary>
static class Seccomp
{
    [StructLayout(LayoutKind.Sequential)]
    public struct Program
    {
        public ushort Length;
        public nint Filter;
    }

    [StructLayout(LayoutKind.Sequential)]
    struct Instruction(ushort code, byte jumpTrue, byte jumpFalse, uint k)
    {
        public ushort Code = code;
        public byte JumpTrue = jumpTrue;
        public byte JumpFalse = jumpFalse;
        public uint K = k;
    }

    const ushort LoadWord = 0x20, JumpEqual = 0x15, JumpGreaterOrEqual = 0x35, JumpSet = 0x45, Return = 0x06;
    const uint Allow = 0x7fff0000, ReturnErrno = 0x00050000;
    const uint NumberOffset = 0, ArchOffset = 4, FirstArgumentOffset = 16;
    const uint CloneThread = 0x00010000;
    const uint X32SyscallBit = 0x40000000;
    const nint SetModeFilter = 1, FilterFlagTsync = 1;

    /// <summary>The syscalls a test has no use for; every one answers EPERM. Names missing from an architecture's table do not exist there.</summary>
    static readonly string[] Denied =
    [
        // New programs and processes: the worker needs neither, and a child could outlive the grade.
        "execve", "execveat", "fork", "vfork",
        // Leaving the process group the grader kills.
        "setsid", "setpgid",
        // Other processes' memory, descriptors and signals.
        "ptrace", "process_vm_readv", "process_vm_writev", "tkill", "pidfd_send_signal", "pidfd_getfd",
        // The network, whatever the family (Landlock covers only TCP), and the kernel's async I/O rings, which bypass this filter.
        "socket", "io_uring_setup", "io_uring_enter", "io_uring_register",
        // Namespaces, mounts, the kernel itself.
        "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsmount", "move_mount", "open_tree", "fspick",
        "mount_setattr", "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon",
        "swapoff", "acct", "settimeofday", "clock_settime", "sethostname", "setdomainname", "iopl", "ioperm", "quotactl",
        "open_by_handle_at", "name_to_handle_at", "lookup_dcookie", "syslog", "vhangup", "bpf", "perf_event_open", "userfaultfd",
        "keyctl", "add_key", "request_key",
        // Metadata of files it may read: Landlock covers writes, not modes, owners or attributes (a uid-0 worker owns most system files).
        "chmod", "fchmod", "fchmodat", "fchmodat2", "chown", "fchown", "lchown", "fchownat",
        "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "setxattrat", "removexattrat",
    ];

    /// <summary>Signals that name their target in the first argument: allowed to the worker itself (GC suspension and abort() signal their own threads).</summary>
    static readonly string[] SignalsToSelfOnly = ["tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"];

    sealed record SyscallTable(string Name, uint AuditArch, bool HasX32, IReadOnlyDictionary<string, uint> Numbers);

    static readonly SyscallTable X64 = new("x86_64", 0xC000003E, true, Table(
    [
        ("socket", 41), ("clone", 56), ("fork", 57), ("vfork", 58), ("execve", 59), ("kill", 62), ("chmod", 90), ("fchmod", 91),
        ("chown", 92), ("fchown", 93), ("lchown", 94), ("ptrace", 101), ("syslog", 103), ("setpgid", 109), ("setsid", 112),
        ("rt_sigqueueinfo", 129), ("vhangup", 153), ("pivot_root", 155), ("chroot", 161), ("acct", 163), ("settimeofday", 164),
        ("mount", 165), ("umount2", 166), ("swapon", 167), ("swapoff", 168), ("reboot", 169), ("sethostname", 170),
        ("setdomainname", 171), ("iopl", 172), ("ioperm", 173), ("init_module", 175), ("delete_module", 176), ("quotactl", 179),
        ("setxattr", 188), ("lsetxattr", 189), ("fsetxattr", 190), ("removexattr", 197), ("lremovexattr", 198),
        ("fremovexattr", 199), ("tkill", 200), ("lookup_dcookie", 212), ("clock_settime", 227), ("tgkill", 234),
        ("kexec_load", 246), ("add_key", 248), ("request_key", 249), ("keyctl", 250), ("fchownat", 260), ("fchmodat", 268),
        ("unshare", 272), ("rt_tgsigqueueinfo", 297), ("perf_event_open", 298), ("name_to_handle_at", 303),
        ("open_by_handle_at", 304), ("setns", 308), ("process_vm_readv", 310), ("process_vm_writev", 311), ("finit_module", 313),
        ("kexec_file_load", 320), ("bpf", 321), ("execveat", 322), ("userfaultfd", 323), ("pidfd_send_signal", 424),
        ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427), ("open_tree", 428), ("move_mount", 429),
        ("fsopen", 430), ("fsmount", 432), ("fspick", 433), ("clone3", 435), ("pidfd_getfd", 438), ("mount_setattr", 442),
        ("fchmodat2", 452), ("setxattrat", 463), ("removexattrat", 466), ("seccomp", 317),
    ]));

    /// <summary>aarch64 uses the generic table: no fork, vfork or the path-based chmod/chown.</summary>
    static readonly SyscallTable Arm64 = new("aarch64", 0xC00000B7, false, Table(
    [
        ("setxattr", 5), ("lsetxattr", 6), ("fsetxattr", 7), ("removexattr", 14), ("lremovexattr", 15), ("fremovexattr", 16),
        ("lookup_dcookie", 18), ("umount2", 39), ("mount", 40), ("pivot_root", 41), ("chroot", 51), ("fchmod", 52),
        ("fchmodat", 53), ("fchownat", 54), ("fchown", 55), ("vhangup", 58), ("quotactl", 60), ("acct", 89), ("unshare", 97),
        ("kexec_load", 104), ("init_module", 105), ("delete_module", 106), ("clock_settime", 112), ("syslog", 116),
        ("ptrace", 117), ("kill", 129), ("tkill", 130), ("tgkill", 131), ("rt_sigqueueinfo", 138), ("reboot", 142),
        ("setpgid", 154), ("setsid", 157), ("sethostname", 161), ("setdomainname", 162), ("settimeofday", 170), ("socket", 198),
        ("add_key", 217), ("request_key", 218), ("keyctl", 219), ("clone", 220), ("execve", 221), ("swapon", 224),
        ("swapoff", 225), ("rt_tgsigqueueinfo", 240), ("perf_event_open", 241), ("name_to_handle_at", 264),
        ("open_by_handle_at", 265), ("setns", 268), ("process_vm_readv", 270), ("process_vm_writev", 271), ("finit_module", 273),
        ("seccomp", 277), ("bpf", 280), ("execveat", 281), ("userfaultfd", 282), ("kexec_file_load", 294),
        ("pidfd_send_signal", 424), ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427),
        ("open_tree", 428), ("move_mount", 429), ("fsopen", 430), ("fsmount", 432), ("fspick", 433), ("clone3", 435),
        ("pidfd_getfd", 438), ("mount_setattr", 442), ("fchmodat2", 452), ("setxattrat", 463), ("removexattrat", 466),
    ]));

    static IReadOnlyDictionary<string, uint> Table((string Name, uint Number)[] numbers) =>
        numbers.ToDictionary(n => n.Name, n => n.Number, StringComparer.Ordinal);

    /// <summary>Installs the filter on every thread of the process; the thread must have no_new_privs set.</summary>
    public static SandboxLayer Install(int self)
    {
        var table = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => X64,
            Architecture.Arm64 => Arm64,
            _ => null,
        };
        if (table is null)
            return new(SandboxLayerNames.Seccomp, false, $"no syscall table for {RuntimeInformation.ProcessArchitecture} (only x86_64 and aarch64)");
        var filter = Build(table, self).ToArray();
        var pinned = GCHandle.Alloc(filter, GCHandleType.Pinned);
        try
        {
            var program = new Program { Length = (ushort)filter.Length, Filter = pinned.AddrOfPinnedObject() };
            var result = Libc.syscall(table.Numbers["seccomp"], SetModeFilter, FilterFlagTsync, ref program);
            if (result == 0)
                return new(SandboxLayerNames.Seccomp, true,
                    $"{table.Name}, every thread: no new programs or processes, no setsid/setpgid, no ptrace, no signals but to itself, " +
                    $"no sockets or io_uring, no namespaces, mounts or modules, no chmod/chown/xattr; {filter.Length} instructions");
            return new(SandboxLayerNames.Seccomp, false, result > 0
                ? $"thread {result} could not take the filter"
                : $"the kernel refused the filter (errno {Marshal.GetLastPInvokeError()}{(Marshal.GetLastPInvokeError() == Libc.EINVAL ? ": no seccomp filters in this kernel" : "")})");
        }
        finally
        {
            pinned.Free();
        }
    }

    static IEnumerable<Instruction> Build(SyscallTable table, int self)
    {
        uint Number(string name) => table.Numbers[name];
        var deny = Ret(ReturnErrno | Libc.EPERM);

        yield return Load(ArchOffset);
        yield return new(JumpEqual, 1, 0, table.AuditArch);
        yield return deny;
        yield return Load(NumberOffset);
        if (table.HasX32)
        {
            yield return new(JumpGreaterOrEqual, 0, 1, X32SyscallBit);
            yield return deny;
        }
        foreach (var name in Denied.Where(table.Numbers.ContainsKey))
        {
            yield return new(JumpEqual, 0, 1, Number(name));
            yield return deny;
        }
        yield return new(JumpEqual, 0, 1, Number("clone3"));
        yield return Ret(ReturnErrno | Libc.ENOSYS);

        // Each guarded block runs only for its syscall and ends in a return on every path, so the accumulator
        // still holds the syscall number for the next block when it is skipped.
        foreach (var instruction in Guard(Number("clone"),
                 [Load(FirstArgumentOffset), new(JumpSet, 0, 1, CloneThread), Ret(Allow), deny]))
            yield return instruction;
        foreach (var instruction in Guard(Number("kill"),
                 [
                     Load(FirstArgumentOffset),
                     new(JumpEqual, 3, 0, (uint)self),
                     new(JumpEqual, 2, 0, 0),
                     new(JumpEqual, 1, 0, unchecked((uint)-self)),
                     deny,
                     Ret(Allow),
                 ]))
            yield return instruction;
        foreach (var name in SignalsToSelfOnly)
            foreach (var instruction in Guard(Number(name), [Load(FirstArgumentOffset), new(JumpEqual, 1, 0, (uint)self), deny, Ret(Allow)]))
                yield return instruction;
        yield return Ret(Allow);
    }

    /// <summary>Runs <paramref name="body"/> when the syscall number is <paramref name="number"/>, else skips it.</summary>
    static IEnumerable<Instruction> Guard(uint number, Instruction[] body) =>
        body.Prepend(new Instruction(JumpEqual, 0, (byte)body.Length, number));

    /// <summary>Loads 32 bits of seccomp_data; an argument's low half is at its offset (little-endian), which is all of a pid_t.</summary>
    static Instruction Load(uint offset) => new(LoadWord, 0, 0, offset);

    static Instruction Ret(uint value) => new(Return, 0, 0, value);
}
