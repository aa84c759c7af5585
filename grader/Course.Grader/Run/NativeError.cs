using System.Text.RegularExpressions;
using Course.Grader.Report;

namespace Course.Grader.Run;

/// <summary>
/// A libtorch error made readable: its own first line (e.g. "mat1 and mat2 shapes cannot be multiplied (4x6 and 4x6)"),
/// the TorchSharp entry point it came through (the first <c>THSTensor_matmul</c>-style native frame, shown as
/// <c>torch.matmul</c>) and, where a managed stack is at hand, the first frame with a file and line outside the
/// libraries: the student's (or the test's) line that made the call. Everything here comes from text the test
/// process wrote, which student code can shape: it is cut short and cleaned of control characters.
/// </summary>
sealed record NativeError(string What, string? Operation, string? Where)
{
    const int MaxWhatChars = 300, MaxNameChars = 120, MaxScannedChars = 1000;
    const string ExternalExceptionPrefix = "System.Runtime.InteropServices.ExternalException : ";

    /// <summary>Namespaces whose frames are never the line to look at: .NET's, NUnit's, TorchSharp's and the course's own (its test SDK, its worker and its given libraries).</summary>
    static readonly string[] LibraryNamespaces = ["System.", "Microsoft.", "NUnit.", "TorchSharp.", "Course."];

    /// <summary>A method the compiler wrote for a lambda (<c>&lt;&gt;c__DisplayClass2_0.&lt;Where&gt;b__0</c>, <c>&lt;&gt;c.&lt;Where&gt;b__2_0</c>) or a local function (<c>&lt;Outer&gt;g__Local|3_0</c>).</summary>
    static readonly Regex CompilerWritten = new(@"\.(?:<>c(?:__DisplayClass[0-9_]{1,20})?\.<(?<outer>[^>]{1,200})>b__[0-9_]{1,20}|<(?<outer>[^>]{1,200})>g__(?<local>[^|]{1,200})\|[0-9_]{1,20})$",
        RegexOptions.CultureInvariant);

    static readonly Regex WhatLine = new(@"^\s*what\(\):\s*(?<what>.*)$", RegexOptions.CultureInvariant);
    static readonly Regex Terminate = new(@"^terminate called after throwing an instance of '(?<type>[^']{1,200})'", RegexOptions.CultureInvariant);
    static readonly Regex EntryPoint = new(@"^frame #\d+: THS(?:Tensor|NN|Torch|Autograd|Linalg|Special|FFT|JIT)?_(?<op>[A-Za-z0-9_]{1,80})\b", RegexOptions.CultureInvariant);
    static readonly Regex ManagedFrame = new(@"^\s*at (?<method>[^\s(]{1,400})\(.*\) in (?<file>.+):line (?<line>\d{1,7})\s*$", RegexOptions.CultureInvariant);

    /// <summary>The first line: <c>torch.matmul: mat1 and mat2 shapes cannot be multiplied (4x6 and 4x6), at Homework.cs:line 7 (Tiny.Homework.Bad.Multiply)</c>.</summary>
    public string Headline =>
        (Operation is null ? "libtorch error: " : $"torch.{Operation}: ") + What + (Where is null ? "" : $", at {Where}") + Meaning;

    /// <summary>
    /// What a terse message of libtorch's usually means in this course's code, where one is known: a sampler's "probability
    /// tensor contains either inf, nan or element &lt; 0" comes from NaN logits far more often than from the sampler (a
    /// message audit, stop 60, found a mask bug blamed on hw4's sampler).
    /// </summary>
    /// <remarks>
    /// A Byte tensor where a float one was meant is most often TorchSharp's <c>x.sum(0)</c>: C# reads the literal 0 as the
    /// <c>ScalarType</c> of <c>sum(ScalarType? type)</c>, Byte, over <c>sum(long dim, ...)</c> (a message audit, round 18).
    /// </remarks>
    string Meaning =>
        What.StartsWith("probability tensor contains either", StringComparison.Ordinal)
            ? ": the probabilities hold NaN, inf or a negative value; are the logits they come from finite (a mask that hides a whole row makes NaN)?"
            : What.Contains("dtype: Byte", StringComparison.Ordinal)
                ? ": a Byte tensor where a float one was meant; x.sum(0) makes one (C# reads the literal 0 as ScalarType.Byte, not as dimension 0): write x.sum(dim: 0)"
                : "";

    /// <summary>The reason for a test whose process libtorch ended: the error first, then what happened and what to do.</summary>
    public string CrashReason(int exitCode) =>
        $"{Headline}\nlibtorch ended the test process (exit code {exitCode}) on this error instead of throwing an exception, so " +
        (Where is null
            ? $"no stack trace survives it: look for the {(Operation is null ? "tensor operation" : Operation)} in the code this test calls and check the {Checked.What} of its operands{Checked.Advice}."
            : $"the test stopped there: check the {Checked.What} of the operands on that line{Checked.Advice}.");

    /// <summary>What of the operands to check: libtorch names their dtypes or devices when those disagree, and their shapes otherwise.</summary>
    (string What, string Advice) Checked =>
        this.What.Contains("scalar type", StringComparison.OrdinalIgnoreCase) || this.What.Contains("dtype", StringComparison.OrdinalIgnoreCase)
            ? ("dtypes", " (a float64 tensor meeting a float32 one: cast one with .to(dtype))")
            : this.What.Contains("device", StringComparison.OrdinalIgnoreCase)
                ? ("devices", " (a CPU tensor meeting a GPU one: move one with .to(device))")
                : ("shapes", "");

    /// <summary>Reads libtorch's error out of the test process's stderr, line by line as it arrives.</summary>
    public sealed class Scanner
    {
        string? what, terminate, operation;
        Frame? where;

        public void Observe(string line)
        {
            line = Bounded(line);
            if (what is null && WhatLine.Match(line) is { Success: true } w && w.Groups["what"].Value.Trim().Length > 0)
                what = w.Groups["what"].Value;
            else if (terminate is null && Terminate.Match(line) is { Success: true } t)
                terminate = t.Groups["type"].Value;
            else if (operation is null && EntryPoint.Match(line) is { Success: true } e)
                operation = e.Groups["op"].Value;
            else if (StudentFrame(line) is { } frame)
                where = Placed(where, frame);
        }

        /// <summary>The error, or null when the process did not die of a C++ exception.</summary>
        public NativeError? Error =>
            what is not null ? Make(what, operation, where?.Text)
            : terminate is not null ? Make($"an uncaught C++ exception ({terminate})", operation, where?.Text)
            : null;
    }

    /// <summary>Parses a whole stderr text (as a test would replay a recorded one).</summary>
    public static NativeError? FromStderr(string stderr)
    {
        var scanner = new Scanner();
        foreach (var line in stderr.Split('\n')) scanner.Observe(line.TrimEnd('\r'));
        return scanner.Error;
    }

    /// <summary>
    /// A result whose message is TorchSharp's ExternalException (libtorch's message, then its source location and a
    /// few dozen native frames) gets the error's one line first, with the student's line from the managed stack, and
    /// loses the native frames. Any other result is returned as it is.
    /// </summary>
    public static TestCaseResult Readable(TestCaseResult result)
    {
        if (!result.Message.StartsWith(ExternalExceptionPrefix, StringComparison.Ordinal)) return result;
        var lines = result.Message[ExternalExceptionPrefix.Length..].Split('\n');
        string? operation = null;
        foreach (var line in lines)
            if (EntryPoint.Match(Bounded(line)) is { Success: true } e)
            {
                operation = e.Groups["op"].Value;
                break;
            }
        var error = Make(lines[0].TrimEnd('\r'), operation, FirstStudentFrame(result.StackTrace));
        return result with
        {
            Message = $"{error.Headline}\nlibtorch raised this error (ExternalException); its native stack trace is left out.",
        };
    }

    /// <summary>
    /// The first frame of a managed stack trace outside the libraries, as <see cref="StudentFrame"/> names it, and where that
    /// frame is a lambda or a local function, the frame it was called from (a message audit, round 18: a given helper's lambda,
    /// run by a hook, was named where the student's mask of the wrong shape was made); null when there is none.
    /// </summary>
    internal static string? FirstStudentFrame(string stackTrace) =>
        stackTrace.Split('\n').Select(line => StudentFrame(Bounded(line))).OfType<Frame>().Aggregate((Frame?)null, Placed)?.Text;

    /// <summary>A frame outside the libraries: its line and method as a message names them, and whether the compiler wrote its method.</summary>
    sealed record Frame(string Text, string Method, bool InLambda, bool Whole = false);

    /// <summary>What is known of where after one more frame: the first, then its caller when the first is in a lambda.</summary>
    static Frame? Placed(Frame? known, Frame next) => known switch
    {
        null => next with { Whole = !next.InLambda },
        { Whole: true } => known,
        _ when next.Method == known.Method => known,
        _ => new Frame(Cut($"{known.Text}, called from {next.Text}", 2 * MaxNameChars + 80), known.Method, true, Whole: true),
    };

    static NativeError Make(string what, string? operation, string? where) =>
        new(Cut(ReportText.Line(what).Trim(), MaxWhatChars), operation is null ? null : Cut(ReportText.Line(operation), MaxNameChars), where);

    /// <summary>
    /// "Homework.cs:line 7 (Tiny.Homework.Bad.Multiply)" for a managed frame outside the libraries, else null; a method the
    /// compiler wrote is named by the one it is in ("Hw6.Patching.ActivationPatching.Where, in a lambda").
    /// </summary>
    static Frame? StudentFrame(string line)
    {
        if (ManagedFrame.Match(line) is not { Success: true } m) return null;
        var method = m.Groups["method"].Value;
        if (LibraryNamespaces.Any(ns => method.StartsWith(ns, StringComparison.Ordinal))) return null;
        var written = CompilerWritten.Match(method);
        if (written.Success)
            method = method[..written.Index] + "." + written.Groups["outer"].Value +
                (written.Groups["local"].Success ? $", in its local function {written.Groups["local"].Value}" : ", in a lambda");
        var file = m.Groups["file"].Value.Replace('\\', '/');
        file = file[(file.LastIndexOf('/') + 1)..];
        return new Frame(Cut(ReportText.Line($"{file}:line {m.Groups["line"].Value} ({method})"), MaxNameChars + 40), method, written.Success);
    }

    /// <summary>Lines are cut before any pattern sees them, so no line a test writes can make matching slow.</summary>
    static string Bounded(string line)
    {
        line = line.TrimEnd('\r');
        return TextCut.Prefix(line, MaxScannedChars);
    }

    static string Cut(string text, int max) => text.Length <= max ? text : TextCut.Prefix(text, max) + "…";
}
