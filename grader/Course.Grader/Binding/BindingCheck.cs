namespace Course.Grader.Binding;

/// <summary>
/// A piece of trusted code that binds differently against a submission than against the starter. Test code, and the
/// homework project's given files (<see cref="GivenCode"/>), are trusted only while they call what their author
/// meant: a homework type named <c>Assert</c> or <c>TensorAssert</c>, or one named as a library type that given code
/// uses, an extension method, an operator or a conversion in the student's code would otherwise take over a check.
/// </summary>
/// <param name="Expected">What it binds to against the starter; null when the starter needs no symbol there.</param>
/// <param name="InGivenCode">In a given file of the homework project (which the student has, so it may be named), not in
/// the tests (which may be hidden, so they are never quoted).</param>
public sealed record BindingChange(TestBinding Actual, BoundSymbol? Expected, bool InGivenCode = false)
{
    /// <summary>Whose code it is, as a message names it.</summary>
    public string Reader => InGivenCode ? $"the given {Actual.File}" : "the tests";

    /// <summary>One line for the student, naming their declaration and never the (possibly hidden) test code.</summary>
    public string Describe()
    {
        var actual = Actual.Target;
        var where = actual.Declaration is { } declaration ? $" (declared at {declaration})" : "";
        return Expected switch
        {
            null => $"{Reader} would call your {actual.Display}{where}, where the starter's code calls nothing of yours",
            { InHomework: true, IsField: true } =>
                $"keep {Expected.Display} the field the starter declares: your {actual.Kind.ToLowerInvariant()}{where} would run your code on every read by {Reader}",
            { InHomework: false } when actual.InHomework => $"your {actual.Display}{where} takes the place of {Expected.Display} in {Reader}",
            _ => $"{Reader} would use {actual.Display}{where} where, against the starter, {(InGivenCode ? "it uses" : "they use")} {Expected.Display}",
        };
    }
}

/// <summary>Compares what test code binds to against the starter and against a submission.</summary>
/// <remarks>
/// What the starter binds to a trusted symbol (NUnit, Course.Testing, the BCL, TorchSharp, a built-in operator or type)
/// must bind to exactly that symbol, type arguments included, against the submission; and where the starter binds
/// nothing (no user-defined operator or conversion), the submission may not bring in its own. A place the starter binds
/// to homework code may bind to other homework code (a dropped optional parameter): it calls the student's code either
/// way, and any type that flows from it into trusted code is compared where it does. A homework field stays that field:
/// reading it runs no code, and a property in its place would run the student's on every read.
/// </remarks>
public static class BindingCheck
{
    /// <summary>
    /// Every binding that changed. Test code in <paramref name="skip"/> (members that do not compile against the
    /// submission, which the compile stage isolates) is not compared: what it binds to there follows from the error.
    /// </summary>
    /// <param name="givenCode">The bindings are those of the homework's given files (<see cref="GivenCode"/>), not of tests.</param>
    public static IReadOnlyList<BindingChange> Compare(IReadOnlyList<TestBinding> starter, IReadOnlyList<TestBinding> submission,
        Func<TestBinding, bool>? skip = null, bool givenCode = false)
    {
        var expected = new Dictionary<(string, Microsoft.CodeAnalysis.Text.TextSpan, Analyze.UseAspect), BoundSymbol>();
        foreach (var binding in starter) expected.TryAdd((binding.File, binding.Span, binding.Aspect), binding.Target);
        var changes = new List<BindingChange>();
        foreach (var actual in submission)
        {
            if (skip?.Invoke(actual) == true) continue;
            var counterpart = expected.GetValueOrDefault((actual.File, actual.Span, actual.Aspect));
            var changed = counterpart switch
            {
                null => actual.Target.InHomework,
                // A homework field the tests read is data: the same field against the submission, never a property whose
                // getter runs homework code on each read (a red team, stop 62, gave the real weights to the read that wrote
                // the test's draws into them and zeros to the read that computed what the test expected).
                { InHomework: true, IsField: true } => counterpart.Key != actual.Target.Key,
                { InHomework: true } => false,
                _ => counterpart.Key != actual.Target.Key,
            };
            if (changed) changes.Add(new BindingChange(actual, counterpart, givenCode));
        }
        // A type taking the place of a trusted one says the most, so it comes first.
        return changes.OrderBy(c => c.Expected?.Key.StartsWith("NamedType|", StringComparison.Ordinal) == true ? 0 : 1).ToList();
    }
}
