using System.Text.Json;
using System.Text.Json.Serialization;
using Course.Grader.Sandbox;

namespace Course.Grader.Run;

/// <summary>
/// The line protocol from the test worker to the run stage, on the worker's stdout:
/// <c>@@course-KIND NONCE JSON</c>. The nonce comes from the parent on the worker's stdin before any
/// student code loads, so nothing a test prints can pass for a result. Compiled into both sides.
/// </summary>
internal static class WorkerProtocol
{
    public const string Marker = "@@course-";
    public const string NonceFromStdinOption = "--nonce-from-stdin";
    const string NoNonce = "-";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    static readonly Dictionary<string, Type> Kinds = new(StringComparer.Ordinal)
    {
        ["plan"] = typeof(PlanMessage),
        ["start"] = typeof(StartMessage),
        ["result"] = typeof(ResultMessage),
        ["end"] = typeof(SuiteEndMessage),
        ["done"] = typeof(DoneMessage),
        ["exit"] = typeof(ExitMessage),
        ["crash"] = typeof(CrashMessage),
        ["fatal"] = typeof(FatalMessage),
        ["sandbox"] = typeof(SandboxMessage),
    };

    public static string Format(WorkerMessage message, string nonce) =>
        $"{Marker}{Kinds.First(kind => kind.Value == message.GetType()).Key} {(nonce.Length == 0 ? NoNonce : nonce)} {JsonSerializer.Serialize(message, message.GetType(), Json)}";

    /// <summary>The message in a stdout line, or null for anything else (student output, a line with the wrong nonce, a torn line).</summary>
    /// <summary>A <see cref="RunCommand"/> as the grader writes it to a serving worker's stdin: one line of JSON.</summary>
    public static string FormatCommand(RunCommand command) => JsonSerializer.Serialize(command, Json);

    /// <summary>The command in a line of a serving worker's stdin, or null when the line is not one.</summary>
    public static RunCommand? ParseCommand(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<RunCommand>(line, Json) is { Dir.Length: > 0, Assemblies.Count: > 0, Skip: not null, Only: not null } command ? command : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static WorkerMessage? Parse(string line, string nonce)
    {
        var at = line.IndexOf(Marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var parts = line[(at + Marker.Length)..].Split(' ', 3);
        if (parts.Length != 3 || parts[1] != (nonce.Length == 0 ? NoNonce : nonce)) return null;
        if (!Kinds.TryGetValue(parts[0], out var type)) return null;
        try
        {
            return (WorkerMessage?)JsonSerializer.Deserialize(parts[2], type, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// From the grader to a serving worker (<c>Course.Worker serve</c>), one per run: the run folder, the test assemblies in
/// it and the tests to skip, to run and to run last, as <c>run</c>'s <c>--dir</c>, <c>--assembly</c>, <c>--skip</c>, <c>--only</c> and
/// <c>--later</c> say them.
/// </summary>
internal sealed record RunCommand(string Dir, IReadOnlyList<string> Assemblies, IReadOnlyList<string> Skip, IReadOnlyList<string> Only, IReadOnlyList<string>? Later = null);

internal abstract record WorkerMessage;

/// <summary>The test cases an assembly will run, sent before any of them starts.</summary>
internal sealed record PlanMessage(IReadOnlyList<TestCaseSpec> Tests) : WorkerMessage;

/// <summary>A test case or suite (fixture, namespace, assembly) has started.</summary>
internal sealed record StartMessage(string FullName, bool IsSuite) : WorkerMessage;

internal sealed record ResultMessage(TestCaseResult Result) : WorkerMessage;

internal sealed record SuiteEndMessage(string FullName) : WorkerMessage;

/// <summary>Every assembly has run; the worker exits 0 next, or, serving, waits for the next <see cref="RunCommand"/>.</summary>
internal sealed record DoneMessage : WorkerMessage;

/// <summary>The process is exiting before the run completed: a test called Environment.Exit.</summary>
internal sealed record ExitMessage(int ExitCode) : WorkerMessage;

/// <summary>An exception nobody caught (on a thread a test started) is about to end the process.</summary>
internal sealed record CrashMessage(string Exception) : WorkerMessage;

/// <summary>The worker could not run at all: bad arguments, an assembly that does not load.</summary>
internal sealed record FatalMessage(string Reason) : WorkerMessage;

/// <summary>The sandbox layers the worker applied to itself (and those it could not), sent before any test code loads.</summary>
internal sealed record SandboxMessage(IReadOnlyList<SandboxLayer> Layers) : WorkerMessage;
