namespace Course.Testing;

/// <summary>
/// Says that a static field of test code is shared by the tests on purpose, and why homework code can neither change it nor
/// keep state in it: e.g. a model made once per run that no test hands to homework code (each gets a copy). Without it,
/// <c>course validate</c> refuses test code that keeps a homework value, an array, a collection or a library's object across
/// tests (<c>TestHeldState</c>). The reason is for the reader; validate requires one.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SharedAcrossTestsAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
