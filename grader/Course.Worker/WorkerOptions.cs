using Course.Grader.Run;
using Course.Grader.Sandbox;

namespace Course.Worker;

/// <summary>
/// <c>Course.Worker run --dir RUN_FOLDER --scratch SCRATCH_FOLDER --assembly SUITE.dll [--assembly ...] [--skip FULL_NAME ...]
/// [--only NAME ...] [--nonce-from-stdin] [--sandbox-without LAYER ...]</c>. Assembly paths are relative to the run folder.
/// The worker adds <c>--sandboxed REPORT</c> when it re-executes itself inside the sandbox.
/// </summary>
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
    string? SandboxReport)
{
    public const string SandboxedOption = "--sandboxed";

    public const string Usage =
        "usage: Course.Worker run --dir RUN_FOLDER --scratch SCRATCH_FOLDER --assembly SUITE.dll [--assembly ...] [--skip FULL_TEST_NAME ...] [--only NAME ...] [" +
        WorkerProtocol.NonceFromStdinOption + "] [--sandbox-without LAYER ...]";

    /// <exception cref="FormatException">The arguments do not follow <see cref="Usage"/>.</exception>
    public static WorkerOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] != "run") throw new FormatException("the first argument must be the command 'run'");
        string? dir = null, scratch = null, report = null;
        var assemblies = new List<string>();
        var skip = new HashSet<string>(StringComparer.Ordinal);
        var only = new List<string>();
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
        if (assemblies.Count == 0) throw new FormatException("at least one --assembly is required");
        return new WorkerOptions(Path.GetFullPath(dir), Path.GetFullPath(scratch), assemblies, skip, only, nonce, without, report);
    }

    static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new FormatException($"{args[i - 1]} needs a value");
}
