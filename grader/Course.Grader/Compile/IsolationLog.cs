using Microsoft.CodeAnalysis;

namespace Course.Grader.Compile;

/// <summary>
/// What isolation cut over its rounds. A later round's error that only follows from an earlier cut
/// (a test calling a removed helper) is explained by the earlier cause, not by "name does not exist".
/// </summary>
sealed class IsolationLog
{
    readonly Dictionary<string, IsolatedMember> members = new(StringComparer.Ordinal);

    public IReadOnlyList<IsolatedMember> Members => [.. members.Values];

    public void Record(string member, IsolationKind kind, CompileDiagnostic cause)
    {
        if (members.TryGetValue(member, out var earlier))
        {
            if (kind == IsolationKind.Removed) members[member] = earlier with { Kind = kind };
            return;
        }
        members[member] = new IsolatedMember(member, kind, cause);
    }

    /// <summary>The compiler's message for the student, or the cause of the removed member it stems from.</summary>
    public string Explain(CompileDiagnostic error)
    {
        var message = error.ToString();
        var removed = members.Values.FirstOrDefault(m =>
            m.Kind == IsolationKind.Removed && message.Contains($"'{m.Member.Split('.')[^1]}'", StringComparison.Ordinal));
        return removed is null ? message : $"it uses {removed.Member}, which was removed: {removed.Cause}";
    }
}
