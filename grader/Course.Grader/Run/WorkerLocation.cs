namespace Course.Grader.Run;

/// <summary>
/// Where the built test worker (Course.Worker.dll) is. Its folder is also where the libraries that
/// homework and tests compile against come from, so they compile against exactly what they run with,
/// and TorchSharp's natives load from the worker's own (patched) output.
/// </summary>
public sealed record WorkerLocation(string WorkerPath)
{
    public const string EnvironmentVariable = "COURSE_WORKER";
    public const string FileName = "Course.Worker.dll";
    const string PublishedFolder = "worker";
    const string SolutionFileName = "Course.sln";
    const string SourceProjectFolder = "grader/Course.Worker";

    public string Directory => Path.GetDirectoryName(Path.GetFullPath(WorkerPath))!;

    /// <summary>The package and project assemblies beside the worker (TorchSharp, NUnit, Course.Testing, ...), not the worker itself.</summary>
    public IReadOnlyList<string> LibraryAssemblies =>
        System.IO.Directory.EnumerateFiles(Directory, "*.dll")
            .Where(path => !string.Equals(Path.GetFileName(path), FileName, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// In order: <c>$COURSE_WORKER</c>; <c>worker/Course.Worker.dll</c> beside the running app (a published layout);
    /// in a source tree, the worker project's output for the same configuration as the running app
    /// (…/bin/Debug/net10.0/ → grader/Course.Worker/bin/Debug/net10.0/).
    /// </summary>
    /// <exception cref="FileNotFoundException">None of these holds a built worker.</exception>
    /// <exception cref="InvalidOperationException">The worker's TorchSharp is precompiled.</exception>
    public static WorkerLocation Default() =>
        Resolve(AppContext.BaseDirectory, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <exception cref="InvalidOperationException">The worker's TorchSharp is precompiled (see <see cref="IsPrecompiled"/>).</exception>
    internal static WorkerLocation Resolve(string appDirectory, string? fromEnvironment)
    {
        var tried = Candidates(Path.GetFullPath(appDirectory), fromEnvironment).ToList();
        var found = tried.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"the test worker is not built: no {FileName} at {string.Join(", ", tried)}. " +
            $"Build {SourceProjectFolder} or set {EnvironmentVariable} to its dll.");
        var torchSharp = Path.Combine(Path.GetDirectoryName(found)!, TorchSharpFileName);
        return !IsPrecompiled(torchSharp)
            ? new WorkerLocation(found)
            : throw new InvalidOperationException(
                $"the test worker's {torchSharp} is precompiled (ReadyToRun), so TorchSharp would not run under the unoptimised JIT " +
                "code that keeps its native handles alive (Sandbox/WorkerEnvironment.cs), and correct students would lose points at " +
                "random. Publish the worker portable, as build/PublishWorker.targets does, or use its build output.");
    }

    const string TorchSharpFileName = "TorchSharp.dll";

    /// <summary>
    /// Whether the assembly at <paramref name="path"/> carries precompiled native code (a ReadyToRun image, as a publish with
    /// PublishReadyToRun makes). The worker runs TorchSharp under unoptimised JIT code (DOTNET_JITMinOpts), which precompiled
    /// code bypasses; a missing file is not precompiled.
    /// </summary>
    internal static bool IsPrecompiled(string path)
    {
        if (!File.Exists(path)) return false;
        using var stream = File.OpenRead(path);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    static IEnumerable<string> Candidates(string appDirectory, string? fromEnvironment)
    {
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) yield return Path.GetFullPath(fromEnvironment);
        yield return Path.Combine(appDirectory, PublishedFolder, FileName);
        var parts = appDirectory.TrimEnd(Path.DirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
        var bin = Array.LastIndexOf(parts, "bin");
        for (var dir = new DirectoryInfo(appDirectory); bin > 0 && dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, SolutionFileName))) continue;
            yield return Path.Combine([dir.FullName, .. SourceProjectFolder.Split('/'), .. parts[bin..], FileName]);
            yield break;
        }
    }

    /// <summary>The dotnet host that runs the worker: the one running this process when it is dotnet, else dotnet on the PATH.</summary>
    public static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
