using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Course.Grader.Authoring;
using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Compile;

/// <summary>A given library's project, <c>models/&lt;Name&gt;/&lt;Name&gt;.csproj</c>.</summary>
/// <param name="Folder">The full path of models/&lt;Name&gt;.</param>
public sealed record GivenLibraryProject(string Name, string Folder)
{
    public string ProjectFile => Path.Combine(Folder, Name + ".csproj");
}

/// <summary>A file a given library embeds, under the name <c>GetManifestResourceStream</c> finds it by.</summary>
/// <param name="File">Relative to the library's folder, '/' separators.</param>
public sealed record EmbeddedFile(string LogicalName, string File, byte[] Content);

/// <summary>What a given library compiles from, read from its folder.</summary>
/// <param name="ContentHash">SHA-256 over its project file, sources and resources: the compiled image is cached by it.</param>
public sealed record GivenLibrarySources(GivenLibraryProject Project, AssemblySources Sources, IReadOnlyList<EmbeddedFile> Resources, string ContentHash);

/// <summary>A given library compiled: the image the run folder carries and the reference homework and tests compile against.</summary>
public sealed record GivenLibrary(string Name, CompiledAssembly Assembly, string ContentHash)
{
    /// <summary>Named by its hash as well as its name, so caches keyed by references' names never mix two versions.</summary>
    public MetadataReference Reference { get; } =
        MetadataReference.CreateFromImage(Assembly.Image, filePath: $"({CourseLayout.ModelsFolder})/{Name}/{ContentHash[..16]}/{Assembly.FileName}");
}

/// <summary>
/// Given libraries: trusted code in <c>models/&lt;Name&gt;/</c> that a homework builds on (a model to study, say). A homework
/// has the ones its trusted starter project references, and only those: its code compiles against TorchSharp and them, its
/// tests against every library, the homework and them, and the run folder carries them beside the homework. A library is
/// compiled from its folder with Roslyn (every .cs file but bin/ and obj/, the homework's settings, the framework and
/// TorchSharp as references, its <c>&lt;EmbeddedResource Include=... LogicalName=...&gt;</c> items embedded), once per
/// process and content. Its own code is never analyzed as student code; what homework code uses of it is, and is allowed
/// only where the manifest's <c>allowed_apis</c> lists it.
/// </summary>
public static class GivenLibraries
{
    static readonly ConcurrentDictionary<string, Lazy<GivenLibrary>> Compiled = new(StringComparer.Ordinal);

    /// <summary>The given libraries a trusted starter project references, in ordinal order of name.</summary>
    /// <exception cref="InvalidOperationException">A reference into models/ is not to a models/&lt;Name&gt;/&lt;Name&gt;.csproj that exists.</exception>
    public static IReadOnlyList<GivenLibraryProject> Find(CourseLayout layout, string starterProjectFile)
    {
        if (!File.Exists(starterProjectFile)) return [];
        var found = new List<GivenLibraryProject>();
        foreach (var reference in ProjectReferences.Of(layout, starterProjectFile))
        {
            if (reference.Path is not { } path || !ProjectReferences.IsInside(path, layout.ModelsDir)) continue;
            var parts = Path.GetRelativePath(layout.ModelsDir, path).Split(Path.DirectorySeparatorChar);
            if (parts is not [var name, var file] || file != name + ".csproj" || !File.Exists(path))
                throw new InvalidOperationException($"{Relative(layout, starterProjectFile)} references '{reference.Include}', which is not a given library: " +
                    $"those are {CourseLayout.ModelsFolder}/<Name>/<Name>.csproj");
            found.Add(new GivenLibraryProject(name, Path.GetDirectoryName(path)!));
        }
        return found.DistinctBy(p => p.Name).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Reads a library's sources, global usings and embedded resources from its folder.</summary>
    /// <exception cref="InvalidOperationException">Its project file asks for what the grader cannot give it (see the messages).</exception>
    public static GivenLibrarySources Read(CourseLayout layout, GivenLibraryProject project)
    {
        var projectText = File.ReadAllBytes(project.ProjectFile);
        var document = XDocument.Load(new MemoryStream(projectText));
        var where = Relative(layout, project.ProjectFile);
        if (document.Descendants("ProjectReference").Any())
            throw new InvalidOperationException($"{where} references other projects; a given library may build on TorchSharp only");
        if (document.Descendants("AssemblyName").Any(e => e.Value.Trim() != project.Name))
            throw new InvalidOperationException($"{where} renames its assembly; a given library's assembly is named as its project");
        var usings = document.Descendants("Using").Select(e => (string?)e.Attribute("Include")).OfType<string>().ToList();
        var resources = document.Descendants("EmbeddedResource").Select(e => Resource(layout, project, where, e)).ToList();
        var sources = new AssemblySources(project.Name, SourceFile.ReadFolder(project.Folder, layout.Root), usings);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string name, byte[] content)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            sha.AppendData(content);
            sha.AppendData("\0"u8);
        }
        Add(where, projectText);
        foreach (var file in sources.Files) Add(file.Path, Encoding.UTF8.GetBytes(file.Text));
        foreach (var resource in resources) Add($"{resource.LogicalName}\0{resource.File}", resource.Content);
        return new GivenLibrarySources(project, sources, resources, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    /// <summary>Compiles a library against the framework and TorchSharp (from <paramref name="libraryPaths"/>), once per process and content.</summary>
    /// <exception cref="InvalidOperationException">It does not compile: the library is broken, not a submission.</exception>
    public static GivenLibrary Compile(GivenLibrarySources library, IReadOnlyList<string> libraryPaths)
    {
        var references = HomeworkReferences.Select(libraryPaths);
        var key = $"{library.ContentHash}|{string.Join('|', references)}";
        return Compiled.GetOrAdd(key, _ => new Lazy<GivenLibrary>(() => Emit(library, ReferenceCache.For(references)))).Value;
    }

    /// <summary>The given libraries of a homework, compiled: <see cref="Find"/>, <see cref="Read"/> and <see cref="Compile"/>.</summary>
    public static IReadOnlyList<GivenLibrary> For(CourseLayout layout, string starterProjectFile, IReadOnlyList<string> libraryPaths) =>
        Find(layout, starterProjectFile).Select(project => Compile(Read(layout, project), libraryPaths)).ToList();

    /// <summary>A library's compilation, to read its code (see <see cref="Fairness.GivenLibraryState"/>), not to run it.</summary>
    public static CSharpCompilation ForReading(GivenLibrarySources library, IReadOnlyList<string> libraryPaths) =>
        Create(library, ReferenceCache.For(HomeworkReferences.Select(libraryPaths)));

    static CSharpCompilation Create(GivenLibrarySources library, IReadOnlyList<MetadataReference> references) =>
        CSharpCompilation.Create(library.Sources.AssemblyName,
            library.Sources.Files.Select(BuildSettings.Parse).Append(BuildSettings.GeneratedTree(library.Sources.GlobalUsings ?? [])), references, BuildSettings.CompilationOptions);

    static GivenLibrary Emit(GivenLibrarySources library, IReadOnlyList<MetadataReference> references)
    {
        var name = library.Sources.AssemblyName;
        var compilation = Create(library, references);
        using var image = new MemoryStream();
        using var symbols = new MemoryStream();
        var result = compilation.Emit(image, symbols,
            options: new Microsoft.CodeAnalysis.Emit.EmitOptions(debugInformationFormat: Microsoft.CodeAnalysis.Emit.DebugInformationFormat.PortablePdb, pdbFilePath: name + ".pdb"),
            manifestResources: library.Resources.Select(r => new ResourceDescription(r.LogicalName, () => new MemoryStream(r.Content, writable: false), isPublic: true)));
        if (!result.Success)
            throw new InvalidOperationException($"the given library {name} does not compile: " +
                string.Join("; ", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3).Select(d => CompileDiagnostic.From(d, compilation))));
        return new GivenLibrary(name, new CompiledAssembly(name, image.ToArray(), symbols.ToArray()), library.ContentHash);
    }

    static EmbeddedFile Resource(CourseLayout layout, GivenLibraryProject project, string where, XElement item)
    {
        var include = (string?)item.Attribute("Include");
        var logicalName = (string?)item.Attribute("LogicalName") ?? (string?)item.Element("LogicalName");
        if (string.IsNullOrWhiteSpace(include) || string.IsNullOrWhiteSpace(logicalName))
            throw new InvalidOperationException($"{where}: an EmbeddedResource needs an Include and a LogicalName (the name the library opens it by)");
        var path = Path.GetFullPath(Path.Combine(project.Folder, include.Replace('\\', Path.DirectorySeparatorChar)));
        if (include.IndexOfAny(['*', '?', '$']) >= 0 || !ProjectReferences.IsInside(path, project.Folder) || !File.Exists(path))
            throw new InvalidOperationException($"{where}: the EmbeddedResource '{include}' must name one file in {Relative(layout, project.Folder)}/");
        return new EmbeddedFile(logicalName.Trim(), Path.GetRelativePath(project.Folder, path).Replace('\\', '/'), File.ReadAllBytes(path));
    }

    static string Relative(CourseLayout layout, string path) => Path.GetRelativePath(layout.Root, path).Replace('\\', '/');
}
