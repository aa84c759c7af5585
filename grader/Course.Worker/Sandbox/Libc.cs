using System.Runtime.InteropServices;

namespace Course.Worker.Sandbox;

/// <summary>
/// The libc calls the sandbox makes. Values are Linux's generic ones (x86_64, aarch64 and the other
/// architectures .NET runs on); callers check the OS first, and the few calls also made on macOS say so.
/// Callers read errno with <see cref="Marshal.GetLastPInvokeError"/> in the calling method itself: a helper
/// JIT-compiled on first use can load an assembly in between, and the loader's own calls overwrite it.
/// </summary>
static class Libc
{
    const string Library = "libc";

    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EACCES = 13, EINVAL = 22, ENOSYS = 38, EOPNOTSUPP = 95;
    public const int SIGKILL = 9;
    public const int SIGXFSZ = 25;
    public static readonly nint SIG_IGN = 1;

    public const int O_RDONLY = 0, O_RDWR = 2, O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    public const int F_DUPFD_CLOEXEC = 1030;

    public const int PR_SET_SECUREBITS = 28, PR_CAPBSET_DROP = 24, PR_SET_CHILD_SUBREAPER = 36, PR_SET_NO_NEW_PRIVS = 38,
        PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_CLEAR_ALL = 4;

    /// <summary>setrlimit's resources (Linux; macOS shares the first two).</summary>
    public const int RLIMIT_FSIZE = 1, RLIMIT_CORE = 4, RLIMIT_NPROC = 6;
    public const ulong RLIM_INFINITY = ulong.MaxValue;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CapHeader
    {
        public uint Version;
        public int Pid;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CapData
    {
        public uint Effective;
        public uint Permitted;
        public uint Inheritable;
    }

    public const uint LinuxCapabilityVersion3 = 0x20080522;

    /// <summary>Also on macOS.</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int setpgid(int pid, int pgid);

    /// <summary>Also on macOS.</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int getpgid(int pid);

    [DllImport(Library)]
    public static extern int getpid();

    [DllImport(Library)]
    public static extern int getppid();

    [DllImport(Library)]
    public static extern uint getuid();

    /// <summary>Also on macOS.</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int kill(int pid, int signal);

    [DllImport(Library, SetLastError = true)]
    public static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [DllImport(Library, SetLastError = true)]
    public static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport(Library, SetLastError = true)]
    public static extern int close(int fd);

    [DllImport(Library, SetLastError = true)]
    public static extern int fcntl(int fd, int command, int argument);

    [DllImport(Library, SetLastError = true)]
    public static extern int dup3(int fd, int target, int flags);

    [DllImport(Library, SetLastError = true)]
    public static extern nint read(int fd, byte[] buffer, nint count);

    /// <summary>Also on macOS (with its own resource numbers).</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int setrlimit(int resource, ref RLimit limit);

    [DllImport(Library, SetLastError = true)]
    public static extern int getrlimit(int resource, out RLimit limit);

    [DllImport(Library, SetLastError = true)]
    public static extern nint signal(int signal, nint handler);

    [DllImport(Library, SetLastError = true)]
    public static extern int capset(ref CapHeader header, CapData[] data);

    [DllImport(Library, SetLastError = true)]
    public static extern int socket(int domain, int type, int protocol);

    [DllImport(Library, SetLastError = true)]
    public static extern int bind(int fd, byte[] address, int length);

    [DllImport(Library, SetLastError = true)]
    public static extern long syscall(long number, nint arg1, nint arg2, nint arg3);

    [DllImport(Library, SetLastError = true)]
    public static extern long syscall(long number, ref Landlock.RulesetAttr attr, nint size, nint flags);

    [DllImport(Library, SetLastError = true)]
    public static extern long syscall(long number, nint fd, nint ruleType, ref Landlock.PathBeneathAttr attr, nint flags);

    [DllImport(Library, SetLastError = true)]
    public static extern long syscall(long number, nint operation, nint flags, ref Seccomp.Program program);
}
