using Course.Grader.Run;
using Course.Grader.Sandbox;

namespace Course.Worker;

/// <summary>
/// <c>Course.Worker run --dir RUN_FOLDER --scratch SCRATCH_FOLDER --assembly SUITE.dll [--assembly ...] [--skip FULL_NAME ...]
/// [--only NAME ...] [--later NAME ...] [--nonce-from-stdin] [--sandbox-without LAYER ...]</c>. Assembly paths are relative to the run folder.
/// The worker adds <c>--sandboxed REPORT</c> when it re-executes itself inside the sandbox.
/// <c>Course.Worker serve --dir ROOT --scratch SCRATCH_FOLDER --nonce-from-stdin</c> runs one run folder under ROOT after
/// another, each on a <see cref="RunCommand"/> line on stdin after the nonce (see <see cref="WorkerServer"/>).
/// </summary>
/// <param name="Serving">The <c>serve</c> command: <paramref name="RunDirectory"/> is the root of the run folders, and
/// the assemblies, skips and onlys come with each run.</param>
/// <param name="Only">When not empty, the tests to run: a test's full name, or a prefix of it ending before a '.' or '('
/// (a fixture, a method's cases). Everything else is left out of the plan.</param>
/// <param name="SandboxWithout">Layers the grader asked the worker to leave out: only seccomp, which the grader's tests leave out to exercise the layers beneath it.</param>
/// <param name="SandboxReport">Set in the re-executed worker: the layers its first start applied, encoded.</param>
sealed record WorkerOptions(
    string RunDirectory,
    string ScratchDirectory,
    IReadOnlyList<string> Assemblies,
    IReadOnlySet<string> Skip,
    IReadOnlyList<string> Only,
    bool NonceFromStdin,
    IReadOnlySet<string> SandboxWithout,
    string? SandboxReport,
    bool Serving = false)
{
    /// <summary>
    /// Tests to run after all the others, in a second pass over the assemblies (names as <see cref="Only"/> takes them): those
    /// that see what a student may not (the hidden tests, the public goldens' hidden replays), so that no test whose message
    /// a student reads runs after them, whatever state they leave in the process.
    /// </summary>
    public IReadOnlyList<string> Later { get; init; } = [];

    public const string SandboxedOption = "--sandboxed";

    public const string Usage =
        "usage: Course.Worker run --dir RUN_FOLDER --scratch SCRATCH_FOLDER --assembly SUITE.dll [--assembly ...] [--skip FULL_TEST_NAME ...] [--only NAME ...] [--later NAME ...] [" +
        WorkerProtocol.NonceFromStdinOption + "] [--sandbox-without LAYER ...]\n" +
        "       Course.Worker serve --dir ROOT --scratch SCRATCH_FOLDER " + WorkerProtocol.NonceFromStdinOption + " [--sandbox-without LAYER ...]";

    /// <exception cref="FormatException">The arguments do not follow <see cref="Usage"/>.</exception>
    public static WorkerOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is not ("run" or "serve")) throw new FormatException("the first argument must be the command 'run' or 'serve'");
        var serving = args[0] == "serve";
        string? dir = null, scratch = null, report = null;
        var assemblies = new List<string>();
        var skip = new HashSet<string>(StringComparer.Ordinal);
        var only = new List<string>();
        var later = new List<string>();
        var without = new HashSet<string>(StringComparer.Ordinal);
        var nonce = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dir": dir = Value(args, ref i); break;
                case "--scratch": scratch = Value(args, ref i); break;
                case "--assembly": assemblies.Add(Value(args, ref i)); break;
                case "--skip": skip.Add(Value(args, ref i)); break;
                case "--only": only.Add(Value(args, ref i)); break;
                case "--later": later.Add(Value(args, ref i)); break;
                case "--sandbox-without":
                    var layer = Value(args, ref i);
                    if (layer != SandboxLayerNames.Seccomp) throw new FormatException($"--sandbox-without takes only '{SandboxLayerNames.Seccomp}', not '{layer}'");
                    without.Add(layer);
                    break;
                case SandboxedOption: report = Value(args, ref i); break;
                case WorkerProtocol.NonceFromStdinOption: nonce = true; break;
                default: throw new FormatException($"unknown argument '{args[i]}'");
            }
        }
        if (dir is null) throw new FormatException("--dir is required");
        if (scratch is null) throw new FormatException("--scratch is required");
        if (serving && (assemblies.Count > 0 || skip.Count > 0 || only.Count > 0 || later.Count > 0))
            throw new FormatException("serve takes its assemblies, skips and onlys with each run, on stdin");
        if (serving && !nonce) throw new FormatException($"serve reads its runs from stdin and needs {WorkerProtocol.NonceFromStdinOption}");
        if (!serving && assemblies.Count == 0) throw new FormatException("at least one --assembly is required");
        return new WorkerOptions(Path.GetFullPath(dir), Path.GetFullPath(scratch), assemblies, skip, only, nonce, without, report, serving) { Later = later };
    }

    /// <summary>A serving worker's options for one run: the command's folder (which must lie under the root), assemblies, skips and onlys.</summary>
    /// <exception cref="FormatException">The run folder is not under the root the sandbox lets the worker read.</exception>
    public WorkerOptions For(RunCommand command)
    {
        var dir = Path.GetFullPath(command.Dir);
        if (!dir.StartsWith(RunDirectory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new FormatException($"the run folder {dir} is not under the served root {RunDirectory}");
        return this with
        {
            RunDirectory = dir,
            Assemblies = command.Assemblies,
            Skip = command.Skip.ToHashSet(StringComparer.Ordinal),
            Only = command.Only,
            Later = command.Later ?? [],
            Serving = false,
        };
    }

    static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new FormatException($"{args[i - 1]} needs a value");
}
