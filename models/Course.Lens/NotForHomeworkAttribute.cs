namespace Course.Lens;

/// <summary>
/// A member the tests may call and homework code may not: the grader's analysis refuses it in homework code, saying
/// <see cref="Reason"/>. For what reaches past the caller's own part of a model, such as the hooks other code added.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Property | AttributeTargets.Constructor, Inherited = false)]
public sealed class NotForHomeworkAttribute(string reason) : Attribute
{
    /// <summary>Why, and what to do instead, in words for the student.</summary>
    public string Reason { get; } = reason;
}
