using Microsoft.CodeAnalysis;

namespace Course.Grader.Compile;

public enum CompileSeverity
{
    Warning,
    Error,
}

/// <summary>
/// A compiler message on a file as the student names it, with 1-based line and column; File is null when it belongs to no file.
/// The place is where the message is in the files compiled, never where a <c>#line</c> directive says it is: a directive in
/// a student's file could otherwise name any text as the file, which reports print (a red team, stop 59, put a bold
/// "Regrade approved" line and a link into the Markdown report that way).
/// </summary>
public sealed record CompileDiagnostic(string? File, int Line, int Column, CompileSeverity Severity, string Id, string Message)
{
    /// <param name="compilation">The compilation <paramref name="diagnostic"/> comes from (see <see cref="CompilerMessage"/>).</param>
    public static CompileDiagnostic From(Diagnostic diagnostic, Compilation compilation)
    {
        var span = diagnostic.Location.IsInSource ? diagnostic.Location.GetLineSpan() : default;
        return new CompileDiagnostic(
            diagnostic.Location.IsInSource ? span.Path : null,
            diagnostic.Location.IsInSource ? span.StartLinePosition.Line + 1 : 0,
            diagnostic.Location.IsInSource ? span.StartLinePosition.Character + 1 : 0,
            diagnostic.Severity == DiagnosticSeverity.Error ? CompileSeverity.Error : CompileSeverity.Warning,
            diagnostic.Id,
            CompilerMessage.Of(diagnostic, compilation));
    }

    /// <summary>The usual compiler form: <c>File(line,col): error CS0103: message</c>.</summary>
    public override string ToString() =>
        $"{(File is null ? "" : $"{File}({Line},{Column}): ")}{(Severity == CompileSeverity.Error ? "error" : "warning")} {Id}: {Message}";
}
