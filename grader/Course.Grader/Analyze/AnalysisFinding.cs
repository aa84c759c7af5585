namespace Course.Grader.Analyze;

public enum FindingKind
{
    /// <summary>An API not on the homework's allow-list, or one the sandbox denies in every homework.</summary>
    SandboxViolation,
    /// <summary>An API the assignment's manifest bans, such as a library version of what students write.</summary>
    BannedApi,
    /// <summary>unsafe code, pointers or extern (P/Invoke) methods.</summary>
    UnsafeCode,
    /// <summary>A stub from the starter still in place.</summary>
    StubLeft,
}

/// <summary>
/// What the analyzer found at one place in the student's code. <paramref name="Member"/> is the node of the
/// <see cref="MemberGraph"/> it sits in (the documentation comment ID of its method, property or constructor, or the
/// lambda or local function inside it), so that the tests that reach it can be found; null outside any member.
/// </summary>
public sealed record AnalysisFinding(FindingKind Kind, string File, int Line, int Column, string Api, string Message, string? Member)
{
    public bool IsViolation => Kind != FindingKind.StubLeft;

    public override string ToString() => $"{File}({Line},{Column}): {Kind}: {Api}: {Message}";
}

/// <param name="LazyGraph">The homework's member graph, built only when a banned use needs the tests that reach it.</param>
public sealed record AnalysisResult(IReadOnlyList<AnalysisFinding> Findings, Lazy<MemberGraph> LazyGraph)
{
    public MemberGraph Graph => LazyGraph.Value;

    public IEnumerable<AnalysisFinding> Violations => Findings.Where(f => f.IsViolation);

    public IEnumerable<AnalysisFinding> Stubs => Findings.Where(f => f.Kind == FindingKind.StubLeft);
}
