using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>Where a run's files are: the folder itself, the worker's scratch folder in it, and the test assemblies relative to it.</summary>
/// <param name="Scratch">Null for a run in a <see cref="WorkerPool"/>, whose workers each have their own.</param>
sealed record RunFolderLayout(string Root, string? Scratch, IReadOnlyList<string> Assemblies);

/// <summary>
/// The folder the worker runs in: the homework and its given libraries at the top, each test suite in a folder of its own
/// with its golden files in golden/ (where <c>Golden.Open</c> looks, beside the test assembly), so
/// public and hidden goldens never mix. The worker may only read these; it writes in scratch/, its
/// working folder, home and temporary folder.
/// </summary>
static class RunFolder
{
    const string GoldenFolder = "golden";
    public const string ScratchFolder = "scratch";

    /// <summary>Writes the run folder into <paramref name="root"/>, a new private folder (see <see cref="PrivateFolder"/>).</summary>
    /// <param name="withScratch">Whether to make the worker's scratch folder in it.</param>
    public static RunFolderLayout Lay(string root, RunRequest request, bool withScratch = true)
    {
        request.Homework.WriteTo(root);
        foreach (var library in request.GivenLibraries)
        {
            if (library.Name == request.Homework.Name || request.TestSuites.Any(suite => suite.Assembly.Name == library.Name))
                throw new InvalidOperationException($"the given library {library.Name} has the name of the homework or a test suite");
            library.WriteTo(root);
        }
        var assemblies = new List<string>();
        foreach (var suite in request.TestSuites)
        {
            var folder = Path.Combine(root, suite.Assembly.Name);
            suite.Assembly.WriteTo(folder);
            if (suite.GoldenDirectory is { } golden && Directory.Exists(golden))
                CopyFiles(golden, Path.Combine(folder, GoldenFolder));
            assemblies.Add(Path.Combine(suite.Assembly.Name, suite.Assembly.FileName));
        }
        var scratch = withScratch ? PrivateFolder.CreateOwnerOnly(Path.Combine(root, ScratchFolder)) : null;
        return new RunFolderLayout(root, scratch, assemblies);
    }

    /// <summary>Copies plain files only: a link in a golden folder is never followed.</summary>
    static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is not null) continue;
            if (entry is DirectoryInfo dir) CopyFiles(dir.FullName, Path.Combine(to, dir.Name));
            else File.Copy(entry.FullName, Path.Combine(to, entry.Name), overwrite: true);
        }
    }
}
