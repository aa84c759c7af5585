using System.Collections;

namespace Course.Grader.Sandbox;

/// <summary>
/// The worker's environment: none of the grader's variables except an allow-list of those the runtime,
/// libtorch and the tests need, so that no token (GITHUB_TOKEN), no file a test could write to or read
/// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV) and no grading switch (COURSE_GOLDEN) reaches it.
/// HOME and the temporary folder are its scratch folder.
/// </summary>
static class WorkerEnvironment
{
    /// <summary>Passed on when the grader has them: search path, locale, time zone, native libraries, threads, the device under test.</summary>
    static readonly string[] Passed =
    [
        "PATH", "LANG", "LC_ALL", "TZ", "LD_LIBRARY_PATH", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
        "COURSE_DEVICE", "CUDA_VISIBLE_DEVICES", "CUBLAS_WORKSPACE_CONFIG", GlibcTunables,
    ];

    /// <summary>Where the runtime lives when the dotnet host is not the one on the PATH (DOTNET_ROOT, DOTNET_ROOT_X64, ...).</summary>
    const string DotnetRootPrefix = "DOTNET_ROOT";

    /// <summary>What a Windows process needs to start at all.</summary>
    static readonly string[] PassedOnWindows = ["SystemRoot", "windir", "SystemDrive", "PATHEXT", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE"];

    const string OpenMpThreads = "OMP_NUM_THREADS";

    /// <summary>glibc's settings (its malloc's among them), read when a process starts; ignored by other C libraries.</summary>
    const string GlibcTunables = "GLIBC_TUNABLES";

    /// <summary>
    /// What the worker's malloc is told, unless the grader's environment sets <see cref="GlibcTunables"/> itself: one arena,
    /// blocks of up to 32 MiB (glibc's largest) from the heap instead of mappings of their own, up to 256 MiB of freed heap
    /// kept for the next tensor, and the heap and larger blocks in transparent huge pages where the kernel gives them on
    /// request (its mode "madvise"). See <see cref="Apply"/>.
    /// </summary>
    public const string AllocatorTunables = "glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456:glibc.malloc.hugetlb=1";

    /// <summary>The runtime's switch for unoptimised JIT code; <c>build/TorchTests.runsettings</c> sets it for test hosts.</summary>
    public const string UnoptimisedJit = "DOTNET_JITMinOpts";

    /// <summary>Replaces <paramref name="environment"/> (a copy of the grader's) with the worker's.</summary>
    public static void Apply(IDictionary<string, string?> environment, string scratch)
    {
        var grader = environment.ToList();
        environment.Clear();
        foreach (var (name, value) in grader.Where(v => IsPassed(v.Key))) environment[name] = value;
        // One libtorch (OpenMP) thread unless the grader's environment says otherwise: on a busy machine
        // two spinning OpenMP threads made hw3's 3 s training test take 80 s. Parallelism comes from
        // grading several submissions at once instead.
        if (!environment.ContainsKey(OpenMpThreads)) environment[OpenMpThreads] = "1";
        // libtorch allocates every tensor with malloc and frees it as soon as it is disposed. With glibc's defaults, the
        // thread-pool threads' arenas and the mappings of large blocks went back to the kernel after each step of a training
        // loop, and every step and libtorch's own start faulted in fresh 4 KiB pages; AllocatorTunables keeps that memory and
        // maps it in huge pages (measured in docs/speed.md, "stop 46" and "stop 47": `course validate --all` 16.0 million
        // page faults and 721 CPU-s -> 0.7 million and 550). Kept memory counts in the worker's resident size (a run's
        // memory limit and the pool's). A tensor made without being written holds a freed tensor's bytes, as a small one
        // always could on the CPU and any can on a GPU: homework code may not make one (SandboxPolicy.Uninitialised).
        if (!environment.ContainsKey(GlibcTunables)) environment[GlibcTunables] = AllocatorTunables;
        environment["HOME"] = scratch;
        environment["TMPDIR"] = scratch;
        if (OperatingSystem.IsWindows())
        {
            environment["TEMP"] = scratch;
            environment["TMP"] = scratch;
            environment["USERPROFILE"] = scratch;
        }
        // No diagnostics IPC socket or debugger attach into the worker, and a crashing test must not
        // leave a dump of the process behind.
        environment["DOTNET_EnableDiagnostics"] = "0";
        environment["DOTNET_DbgEnableMiniDump"] = "0";
        environment["DOTNET_EnableCrashReport"] = "0";
        // TorchSharp 0.107 passes a Scalar's or a Tensor's native handle to libtorch after its last managed use,
        // so a garbage collection that another thread starts mid-call can finalize it while libtorch reads it:
        // `a + b` then fails with "Expected false to be true" (c10's toFloat) or worse, and a correct student
        // loses points at random (dotnet/TorchSharp#1434 is the upstream fix, unmerged). Unoptimised JIT code
        // keeps every argument alive to the end of its method, which closes that window for all of TorchSharp;
        // libtorch's kernels are native, so grades cost no measurable time (hw1-hw7 graded within noise).
        environment[UnoptimisedJit] = "1";
    }

    /// <summary>The layer as a run reports it: which variables the worker gets.</summary>
    public static SandboxLayer Layer(string scratch)
    {
        var grader = System.Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        var worker = new Dictionary<string, string?>(grader, grader.Comparer);
        Apply(worker, scratch);
        var withheld = grader.Keys.Count(name => !worker.ContainsKey(name));
        return new(SandboxLayerNames.Environment, true,
            $"only {string.Join(", ", worker.Keys.Order(StringComparer.Ordinal))}; {withheld} of the grader's {grader.Count} variables withheld");
    }

    static bool IsPassed(string name) =>
        Passed.Contains(name, StringComparer.Ordinal)
        || name.StartsWith(DotnetRootPrefix, StringComparison.Ordinal)
        || (OperatingSystem.IsWindows() && PassedOnWindows.Contains(name, StringComparer.OrdinalIgnoreCase));
}
