using System.Collections.Concurrent;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Compile;

/// <summary>
/// Metadata references are costly to read and immutable, so they are read once per process: the
/// framework's reference assemblies, and each library file until it changes on disk.
/// </summary>
static class ReferenceCache
{
    static readonly ConcurrentDictionary<string, (DateTime Stamp, long Length, MetadataReference Reference)> Libraries = new(StringComparer.Ordinal);

    public static IReadOnlyList<MetadataReference> Framework { get; } = [.. Basic.Reference.Assemblies.Net100.References.All];

    static readonly HashSet<string> FrameworkNames =
        new(Basic.Reference.Assemblies.Net100.References.All.Select(r => Path.GetFileNameWithoutExtension(r.FilePath ?? r.Display ?? "")), StringComparer.OrdinalIgnoreCase);

    /// <summary>The framework plus the libraries, leaving out any library that is also a framework assembly.</summary>
    public static IReadOnlyList<MetadataReference> For(IReadOnlyList<string> libraryPaths) =>
        [.. Framework, .. libraryPaths.Where(p => !FrameworkNames.Contains(Path.GetFileNameWithoutExtension(p))).Select(Library)];

    static MetadataReference Library(string path)
    {
        var file = new FileInfo(Path.GetFullPath(path));
        if (!file.Exists) throw new FileNotFoundException($"library assembly {file.FullName} is missing; build the test worker first", file.FullName);
        var cached = Libraries.AddOrUpdate(
            file.FullName,
            _ => (file.LastWriteTimeUtc, file.Length, MetadataReference.CreateFromFile(file.FullName)),
            (_, old) => old.Stamp == file.LastWriteTimeUtc && old.Length == file.Length
                ? old
                : (file.LastWriteTimeUtc, file.Length, MetadataReference.CreateFromFile(file.FullName)));
        return cached.Reference;
    }
}
