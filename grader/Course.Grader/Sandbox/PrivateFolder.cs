using Course.Grader.Scratch;

namespace Course.Grader.Sandbox;

/// <summary>
/// Folders only the grader's user may enter (mode 0700 on Unix) and that are new for the run, so that
/// nothing left by an earlier grade, or planted by another user of the machine, is in them.
/// </summary>
static class PrivateFolder
{
    const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The prefix of a run's (or a worker pool's) temporary folder.</summary>
    public const string TemporaryPrefix = "course-run-";

    /// <summary>
    /// A new temporary folder, mode 0700 (mkdtemp: a name nobody could have guessed), held by this process (see
    /// <see cref="ScratchFolder"/>): if the process dies without deleting it, a later run's folder sweeps it.
    /// </summary>
    public static ScratchFolder CreateTemporary() => ScratchFolder.Create(TemporaryPrefix);

    /// <summary>A new folder: <paramref name="requested"/>, which must not exist or be empty.</summary>
    /// <exception cref="IOException"><paramref name="requested"/> is a link, a file or a folder with something in it.</exception>
    public static string Create(string requested)
    {
        var full = Path.GetFullPath(requested);
        var info = new DirectoryInfo(full);
        if (info.LinkTarget is not null || File.Exists(full))
            throw new IOException($"the run folder {full} must be a new or empty folder, not a link or a file");
        if (info.Exists && info.EnumerateFileSystemInfos().Any())
            throw new IOException($"the run folder {full} must be a new or empty folder: a grade never runs among another's files");
        CreateOwnerOnly(full);
        return full;
    }

    /// <summary>A folder inside a private one, also 0700.</summary>
    public static string CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerOnly);
        RestrictToOwner(path);
        return path;
    }

    /// <param name="pooled">The run is one of a <see cref="Run.WorkerPool"/>'s, whose workers each have a scratch folder beside the run folders.</param>
    public static SandboxLayer Layer(string root, bool pooled = false)
    {
        if (OperatingSystem.IsWindows())
            return new(SandboxLayerNames.RunFolder, false, "Windows has no mode bits: the run folder inherits the access list of the user's temp folder");
        var mode = File.GetUnixFileMode(root);
        return mode == OwnerOnly
            ? new(SandboxLayerNames.RunFolder, true, pooled
                ? "a new folder for this run, mode 0700, in its worker pool's folder (also 0700); the worker's home and temp folder are a scratch folder of its own there"
                : "a new folder for this run, mode 0700; the worker's home and temp folder are its scratch/ subfolder")
            : new(SandboxLayerNames.RunFolder, false, $"the run folder has mode {Convert.ToString((int)mode, 8)}, not 0700");
    }

    static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, OwnerOnly);
    }
}
