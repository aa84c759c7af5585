using Course.Grader.Run;

namespace Course.Worker;

/// <summary>
/// <c>Course.Worker run --dir RUN_FOLDER --assembly SUITE.dll [--assembly ...] [--skip FULL_NAME ...] [--nonce-from-stdin]</c>.
/// Assembly paths are relative to the run folder.
/// </summary>
sealed record WorkerOptions(string RunDirectory, IReadOnlyList<string> Assemblies, IReadOnlySet<string> Skip, bool NonceFromStdin)
{
    public const string Usage =
        "usage: Course.Worker run --dir RUN_FOLDER --assembly SUITE.dll [--assembly ...] [--skip FULL_TEST_NAME ...] [" +
        WorkerProtocol.NonceFromStdinOption + "]";

    /// <exception cref="FormatException">The arguments do not follow <see cref="Usage"/>.</exception>
    public static WorkerOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] != "run") throw new FormatException("the first argument must be the command 'run'");
        string? dir = null;
        var assemblies = new List<string>();
        var skip = new HashSet<string>(StringComparer.Ordinal);
        var nonce = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--dir": dir = Value(args, ref i); break;
                case "--assembly": assemblies.Add(Value(args, ref i)); break;
                case "--skip": skip.Add(Value(args, ref i)); break;
                case WorkerProtocol.NonceFromStdinOption: nonce = true; break;
                default: throw new FormatException($"unknown argument '{args[i]}'");
            }
        }
        if (dir is null) throw new FormatException("--dir is required");
        if (assemblies.Count == 0) throw new FormatException("at least one --assembly is required");
        return new WorkerOptions(Path.GetFullPath(dir), assemblies, skip, nonce);
    }

    static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new FormatException($"{args[i - 1]} needs a value");
}
