using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using TorchSharp;

namespace Course.Worker;

/// <summary>
/// Loads libtorch before any test runs (about a third of a second of CPU time: its relocations and operator
/// registrations), so that no test's time limit pays for it, whichever test happens to touch TorchSharp first and whether
/// the worker was started for its run or ahead of it (a serving worker loads it as it starts).
/// </summary>
static class Libtorch
{
    static bool loaded;

    /// <summary>Loads it, if it is not yet. A libtorch that cannot load fails the tests that use it, as it would without this.</summary>
    public static void Load()
    {
        try
        {
            torch.zeros(1).Dispose();
            loaded = true;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
        }
    }

    /// <summary>Loads it for a run whose assemblies in <paramref name="folders"/> (its test suites, the homework and its given
    /// libraries) reference TorchSharp; a worker that has it loaded (a serving one) does not read them again.</summary>
    /// <remarks>Read from their metadata, so no code of the run is loaded to find out.</remarks>
    public static void LoadIfUsedIn(IEnumerable<string> folders)
    {
        if (!loaded && folders.SelectMany(folder => Directory.EnumerateFiles(folder, "*.dll")).Any(ReferencesTorchSharp)) Load();
    }

    static bool ReferencesTorchSharp(string path)
    {
        try
        {
            using var pe = new PEReader(File.OpenRead(path));
            if (!pe.HasMetadata) return false;
            var metadata = pe.GetMetadataReader();
            return metadata.AssemblyReferences.Any(handle => metadata.GetString(metadata.GetAssemblyReference(handle).Name) == "TorchSharp");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            return false;
        }
    }
}
