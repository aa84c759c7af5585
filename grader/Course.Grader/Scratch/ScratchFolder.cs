namespace Course.Grader.Scratch;

/// <summary>
/// A new temporary folder (<see cref="Directory.CreateTempSubdirectory"/>, mode 0700 on Unix) that a process which dies
/// without deleting it (SIGKILL, the OOM killer, a cancelled CI job) does not leave in the temp folder for good: for its
/// lifetime the folder's process holds an exclusive lock on an owner file beside it (<c>course-grade-XXXXXX.owner</c>;
/// nothing inside the folder changes), which the operating system drops when the process ends, however it ends. Creating a
/// folder of a kind first sweeps that kind's orphans: folders with the prefix whose owner file's lock can be taken.
/// </summary>
/// <remarks>
/// <para>The lock is <see cref="FileShare.None"/>: an advisory <c>flock</c> on Unix, which holds across pid namespaces and
/// containers sharing the temp folder, and a share lock on Windows. A lock that does not hold (a file system without
/// <c>flock</c>, or .NET's file locking turned off with <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c>, where .NET opens the
/// file anyway) is found out by opening the file a second time: the folder's owner then leaves no owner file, and a sweep
/// takes nothing, so a live folder is never swept by a process whose locks do not hold.</para>
/// <para>A sweep never deletes a folder without an owner file (one being created, or an older grader's), one whose lock
/// is held, a link, or more than <see cref="SweepLimit"/> orphans at once; and whatever fails in it is let be: it never
/// fails a grade.</para>
/// </remarks>
internal sealed class ScratchFolder : IDisposable
{
    /// <summary>What follows a folder's name in its owner file's.</summary>
    public const string OwnerSuffix = ".owner";

    /// <summary>The most orphans one sweep deletes: the next folder of the kind sweeps the rest.</summary>
    public const int SweepLimit = 16;

    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    FileStream? owner;
    bool deleted;

    ScratchFolder(string path, FileStream? owner)
    {
        Path = path;
        this.owner = owner;
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Whether the folder has a held owner file, so that a later sweep deletes it if its process dies.</summary>
    public bool Owned => owner is not null;

    /// <summary>The owner file beside <paramref name="folder"/>.</summary>
    public static string OwnerFileOf(string folder) => folder.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar) + OwnerSuffix;

    /// <summary>Sweeps the orphans of <paramref name="prefix"/>, then creates a new folder of it, owned by this process.</summary>
    public static ScratchFolder Create(string prefix)
    {
        Sweep(prefix);
        for (var attempt = 0; ; attempt++)
        {
            var path = Directory.CreateTempSubdirectory(prefix).FullName;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerOnly);
            var lockFile = OwnerFileOf(path);
            try
            {
                var stream = new FileStream(lockFile, OwnerFileOptions(FileMode.CreateNew));
                if (Holds(lockFile) && Directory.Exists(path)) return new ScratchFolder(path, stream);
                stream.Dispose();
                if (File.Exists(lockFile) && Directory.Exists(path))
                {
                    // The lock does not hold: no owner file, so that no sweep takes the folder for an orphan.
                    TryDeleteFile(lockFile);
                    return new ScratchFolder(path, null);
                }
                // A sweep took the owner file between its creation and its lock, and swept the folder: make another.
                if (attempt < 3) continue;
                return new ScratchFolder(Directory.CreateTempSubdirectory(prefix).FullName, null);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A sweep (or anyone) took the owner file between the folder's creation and its lock: that folder is theirs
                // to delete, and this process makes another. Past a few tries, or when no owner file could be made at all,
                // the folder goes unowned, as temporary folders were before (deleted when done, left if the process dies).
                if (attempt < 3 && File.Exists(lockFile)) continue;
                return new ScratchFolder(path, null);
            }
        }
    }

    /// <summary>
    /// Deletes the folders of <paramref name="prefix"/> under the temp folder whose owner file's lock this process can take
    /// (their process is gone), then their owner files; returns how many it deleted. Never throws for what it meets.
    /// </summary>
    /// <param name="parent">Where to look; null: the temp folder, where <see cref="Create"/> makes its folders.</param>
    public static int Sweep(string prefix, string? parent = null)
    {
        var swept = 0;
        try
        {
            foreach (var lockFile in Directory.EnumerateFiles(parent ?? System.IO.Path.GetTempPath(), prefix + "*" + OwnerSuffix))
            {
                if (swept >= SweepLimit) break;
                if (TrySweep(lockFile)) swept++;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            // The temp folder could not be listed: nothing is swept this time.
        }
        return swept;
    }

    static bool TrySweep(string lockFile)
    {
        var folder = lockFile[..^OwnerSuffix.Length];
        try
        {
            if (new FileInfo(lockFile).LinkTarget is not null) return false;
            var info = new DirectoryInfo(folder);
            if (info.LinkTarget is not null || File.Exists(folder)) return false;
            using (var held = new FileStream(lockFile, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.None }))
            {
                // Taken: its process is gone. Unless the lock does not hold in this process, which would take every lock.
                if (!Holds(lockFile)) return false;
                if (info.Exists) DeleteTree(folder);
            }
            TryDeleteFile(lockFile);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Held (its process is alive), gone meanwhile, or not deletable (then its owner file stays, for a later sweep).
            return false;
        }
    }

    /// <summary>Whether this process's open of <paramref name="lockFile"/> with <see cref="FileShare.None"/> excludes another.</summary>
    static bool Holds(string lockFile)
    {
        try
        {
            using var second = new FileStream(lockFile, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.None });
            return false;
        }
        catch (FileNotFoundException)
        {
            return false; // deleted meanwhile by its owner, which was done with it
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    static FileStreamOptions OwnerFileOptions(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>
    /// Deletes the folder and everything in it, opening up (mode 0700) what a test left unlistable or undeletable and trying
    /// once more; then lets go of the lock, and deletes the owner file once the folder is gone. A folder that could not be
    /// deleted keeps its owner file, unlocked, so that a later sweep tries again.
    /// </summary>
    /// <exception cref="IOException">The folder could not be deleted.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder could not be deleted.</exception>
    public void Delete()
    {
        if (deleted) return;
        try
        {
            if (Directory.Exists(Path)) DeleteTree(Path);
            deleted = true;
        }
        finally
        {
            owner?.Dispose();
            if (deleted && owner is not null) TryDeleteFile(OwnerFileOf(Path));
            owner = null;
        }
    }

    /// <summary>Deletes the folder (see <see cref="Delete"/>); a folder that cannot be deleted is left, for a later sweep.</summary>
    public void Dispose()
    {
        try
        {
            Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes <paramref name="folder"/> as <see cref="Delete"/> does; false when it (or something in it) is left.</summary>
    public static bool TryDeleteTree(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) DeleteTree(folder);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    static void DeleteTree(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A test may have left a folder it cannot be listed or deleted from (mode 000): open them up and retry.
            OpenUp(folder);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    static void OpenUp(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            File.SetUnixFileMode(folder, OwnerOnly);
            foreach (var child in new DirectoryInfo(folder).EnumerateDirectories())
                if (child.LinkTarget is null) OpenUp(child.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
