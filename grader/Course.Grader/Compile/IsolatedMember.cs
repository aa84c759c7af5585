namespace Course.Grader.Compile;

public enum IsolationKind
{
    /// <summary>The member's body was replaced by a failed assertion quoting the compiler error: the test still runs, and fails with it.</summary>
    FailsWhenRun,
    /// <summary>The member (or type, or using directive) could not be kept at all, e.g. its signature names a missing type.</summary>
    Removed,
}

/// <summary>Test code that did not compile against the student's API and was cut off so the rest of the suite still runs.</summary>
/// <param name="Member">e.g. <c>Hw3.Attention.Tests.AttentionHeadTests.Forward_IsCausal</c>, or <c>using Hw3.Attention.Extra</c>.</param>
public sealed record IsolatedMember(string Member, IsolationKind Kind, CompileDiagnostic Cause);
