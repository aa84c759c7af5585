using System.Reflection;
using System.Runtime.Loader;

namespace Course.Worker;

/// <summary>
/// Loads the test assemblies and the homework from the run folder. The worker's own assemblies
/// (NUnit, TorchSharp, Course.Testing, the framework) always come from the worker, so the tests and
/// the runner share one NUnit and one TorchSharp; anything else is looked up in the run folders first.
/// </summary>
sealed class RunAssemblyLoadContext(IReadOnlyList<string> probeDirectories) : AssemblyLoadContext("course-run", isCollectible: false)
{
    static readonly string WorkerDirectory = AppContext.BaseDirectory;

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is null || File.Exists(Path.Combine(WorkerDirectory, name.Name + ".dll"))) return null;
        return probeDirectories
            .Select(dir => Path.Combine(dir, name.Name + ".dll"))
            .Where(File.Exists)
            .Select(LoadFromAssemblyPath)
            .FirstOrDefault();
    }
}
