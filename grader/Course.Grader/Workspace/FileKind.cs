using System.Runtime.InteropServices;

namespace Course.Grader.Workspace;

/// <summary>What a path names, as the file system says without following a link at its end.</summary>
public enum FileKind
{
    /// <summary>Nothing there, or nothing this process may look at.</summary>
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    NamedPipe,
    Socket,
    CharacterDevice,
    BlockDevice,
    /// <summary>Something else the platform knows (a Windows device or reparse point that is no link, ...).</summary>
    Other,
}

/// <summary>A path's kind and, for a regular file, its size in bytes.</summary>
public readonly record struct FileEntry(FileKind Kind, long Size)
{
    public static readonly FileEntry Missing = new(FileKind.Missing, 0);

    public bool IsRegular => Kind == FileKind.Regular;

    /// <summary>"a named pipe", "a link": how a note to a student names the kind.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a folder",
        FileKind.SymbolicLink => "a link",
        FileKind.NamedPipe => "a named pipe",
        FileKind.Socket => "a socket",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Missing => "missing",
        _ => "a special file",
    };

    /// <summary>
    /// The kind of <paramref name="path"/> (a link is <see cref="FileKind.SymbolicLink"/>, never what it points at), found
    /// without opening it: opening a named pipe blocks until someone writes to it, and .NET reports one as a plain file
    /// (<see cref="FileAttributes.Normal"/>), so the platform is asked directly: <c>statx</c> on Linux, <c>lstat</c> on
    /// macOS, the attributes on Windows (a reparse point is a link).
    /// </summary>
    public static FileEntry Of(string path)
    {
        if (OperatingSystem.IsLinux()) return Native.Statx(path);
        if (OperatingSystem.IsMacOS()) return Native.Lstat(path);
        if (OperatingSystem.IsWindows()) return Windows(path);
        throw new PlatformNotSupportedException("the grader reads student files only on Linux, macOS and Windows");
    }

    static FileEntry Windows(string path)
    {
        try
        {
            // GetFileAttributes describes a reparse point itself, not its target.
            var attributes = File.GetAttributes(path);
            if ((attributes & FileAttributes.ReparsePoint) != 0) return new(FileKind.SymbolicLink, 0);
            if ((attributes & FileAttributes.Directory) != 0) return new(FileKind.Directory, 0);
            if ((attributes & FileAttributes.Device) != 0) return new(FileKind.Other, 0);
            return new(FileKind.Regular, new FileInfo(path).Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Missing;
        }
    }

    static FileKind FromMode(int mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,          // S_IFREG
        0x4000 => FileKind.Directory,        // S_IFDIR
        0xA000 => FileKind.SymbolicLink,     // S_IFLNK
        0x1000 => FileKind.NamedPipe,        // S_IFIFO
        0xC000 => FileKind.Socket,           // S_IFSOCK
        0x2000 => FileKind.CharacterDevice,  // S_IFCHR
        0x6000 => FileKind.BlockDevice,      // S_IFBLK
        _ => FileKind.Other,
    };

    static class Native
    {
        const int AtFdCwd = -100;
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxType = 0x1, StatxSize = 0x200;

        /// <summary>
        /// <c>struct statx</c> (linux/stat.h): one layout on every architecture, 256 bytes. <c>stx_mask</c> at 0,
        /// <c>stx_mode</c> (u16) at 28, <c>stx_size</c> (u64) at 40.
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 256)]
        struct StatxBuffer
        {
            [FieldOffset(0)] public uint Mask;
            [FieldOffset(28)] public ushort Mode;
            [FieldOffset(40)] public ulong Size;
        }

        /// <summary>
        /// <c>struct stat</c> of 64-bit Darwin (64-bit inodes, x64 and arm64 alike), 144 bytes: <c>st_mode</c> (u16) at 4,
        /// <c>st_size</c> (i64) at 96.
        /// </summary>
        [StructLayout(LayoutKind.Explicit, Size = 144)]
        struct DarwinStat
        {
            [FieldOffset(4)] public ushort Mode;
            [FieldOffset(96)] public long Size;
        }

        // glibc has exported statx since 2.28 (Debian 10, Ubuntu 18.10, RHEL 8); musl since 1.2.5.
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        static extern int StatxCall(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);

        // On x64 macOS plain lstat is the legacy 32-bit-inode call with another layout; arm64 has only the 64-bit one.
        [DllImport("libc", EntryPoint = "lstat$INODE64", SetLastError = true)]
        static extern int LstatX64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out DarwinStat buffer);

        [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
        static extern int LstatArm64([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out DarwinStat buffer);

        public static FileEntry Statx(string path)
        {
            if (path.Contains('\0')) return Missing;
            if (StatxCall(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxSize, out var buffer) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                const int ENOSYS = 38;
                if (error == ENOSYS) throw new PlatformNotSupportedException("the kernel has no statx (Linux 4.11 or later is needed to read student files safely)");
                return Missing; // ENOENT, EACCES, ENOTDIR, ENAMETOOLONG, ELOOP: nothing there to read
            }
            if ((buffer.Mask & StatxType) == 0) return new(FileKind.Other, 0);
            var kind = FromMode(buffer.Mode);
            var size = kind == FileKind.Regular && (buffer.Mask & StatxSize) != 0 ? (long)Math.Min(buffer.Size, long.MaxValue) : 0;
            return new(kind, size);
        }

        public static FileEntry Lstat(string path)
        {
            if (path.Contains('\0')) return Missing;
            DarwinStat buffer;
            var result = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? LstatX64(path, out buffer) : LstatArm64(path, out buffer);
            if (result != 0) return Missing;
            var kind = FromMode(buffer.Mode);
            return new(kind, kind == FileKind.Regular ? Math.Max(0, buffer.Size) : 0);
        }
    }
}
