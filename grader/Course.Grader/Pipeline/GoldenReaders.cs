using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>
/// The tests of a suite that can open a golden file (<c>Course.Testing.Golden</c>, <c>GoldenLayers</c>), read from the
/// trusted test code through any chain of its own calls, fixture setups and what a framework calls back on the test code's
/// own objects included (<see cref="TestReach"/>'s roots), before anything runs. In a grade with the hidden tests, a public one of them runs on its golden's hidden replay, whose inputs and
/// expected values a student may not see before the due date. A red team (stop 56) kept them in a field of a homework object
/// that a fixture held for all its tests, and a later test of the fixture, failing before it opened its own golden, showed
/// them in its message. So such a test runs after every test whose message a student reads (<see cref="Run.RunRequest.Later"/>),
/// and its own message is withheld whether or not it got as far as opening the file.
/// </summary>
static class GoldenReaders
{
    /// <returns>Test method names (Namespace.Class.Method), as <c>--only</c> takes them.</returns>
    public static IReadOnlySet<string> Of(Compilation suite)
    {
        var graph = MemberGraph.Build(suite);
        var calledBack = MemberGraph.CalledBackOnInstances(suite);
        return TestReach.TestMethods(suite).Where(test => graph.Reachable(test.Roots, calledBack).Any(IsGolden)).Select(test => test.TestName).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>A member of the SDK's golden readers, by documentation ID ("M:Course.Testing.Golden.Open(...)").</summary>
    static bool IsGolden(string id) =>
        id.Length > 2 && (id.AsSpan(2).StartsWith("Course.Testing.Golden.", StringComparison.Ordinal) || id.AsSpan(2).StartsWith("Course.Testing.GoldenLayers.", StringComparison.Ordinal));
}
