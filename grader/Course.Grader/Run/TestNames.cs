namespace Course.Grader.Run;

/// <summary>How the grader names tests in <c>--only</c>, a variant's <c>caught_by</c> and validate's checks.</summary>
public static class TestNames
{
    /// <summary>Whether <paramref name="name"/> names the test <paramref name="fullName"/>: the test itself, or a namespace, fixture or parameterised method it belongs to.</summary>
    public static bool Selects(string name, string fullName) =>
        fullName == name || (fullName.Length > name.Length && fullName.StartsWith(name, StringComparison.Ordinal) && fullName[name.Length] is '.' or '(');
}
