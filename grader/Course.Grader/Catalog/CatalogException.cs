namespace Course.Grader.Catalog;

/// <summary>
/// Trusted test code uses an NUnit feature whose test cases are only known when the tests run
/// (<c>[TestCaseSource]</c>, <c>[Values]</c>, ...): the grader cannot list them without trusting the worker.
/// A fault of the homework's tests, for its author to fix, never of a submission.
/// </summary>
public sealed class CatalogException(IReadOnlyList<string> problems)
    : Exception("the trusted test list cannot be read from the test code: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
