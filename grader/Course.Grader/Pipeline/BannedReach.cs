using Course.Grader.Analyze;
using Course.Grader.Compile;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>
/// Which tests can reach a banned API use in the homework, through any chain of calls (see <see cref="TestReach"/>).
/// Fails closed: a use that any test may run without a call leading to it (<see cref="MemberGraph.Ambient"/>: a static
/// constructor or initializer, a lambda, a method used as a delegate, what those call), that sits outside any member, or
/// that no test's calls reach (so the grader cannot tell which tests run it) counts against every test.
/// </summary>
static class BannedReach
{
    /// <summary>Added to the finding's message where it counts against every test.</summary>
    public const string AnyTest = "It sits where any test may run it (in a static constructor or initializer, a lambda or local function, " +
                                  "a method used as a delegate, what those call, or code no test calls), so every test scores 0 for it.";

    public static IReadOnlyDictionary<string, AnalysisFinding> ForTests(
        MemberGraph homeworkGraph, IReadOnlyList<AnalysisFinding> violations, IEnumerable<AssemblyCompileResult> suites, Compilation homework,
        CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, AnalysisFinding>(StringComparer.Ordinal);
        if (violations.Count == 0) return result;
        var reach = TestReach.Of(homework, suites.Select(s => (Compilation)s.Compilation), homeworkGraph, cancellationToken);
        var tests = reach.Tests.Select(t =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return (t.TestName, Reached: reach.FromTest(t.Roots));
        }).ToList();
        // Only the homework's own: a test's lambda runs inside that test.
        var ambient = reach.FromAll(homeworkGraph.Ambient);
        bool Anywhere(AnalysisFinding v) => v.Member is null || ambient.Contains(v.Member) || !tests.Any(t => t.Reached.Contains(v.Member));
        var said = violations.Select(v => Anywhere(v) ? (Finding: v with { Message = $"{v.Message} {AnyTest}" }, Anywhere: true) : (Finding: v, Anywhere: false)).ToList();
        var anyTest = said.Where(v => v.Anywhere).Select(v => v.Finding)
            .OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line).ThenBy(v => v.Column).ThenBy(v => v.Api, StringComparer.Ordinal)
            .FirstOrDefault();
        var byMember = said.Select(v => v.Finding).Where(v => v.Member is not null).GroupBy(v => v.Member!)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (testName, reached) in tests)
        {
            var hit = reached.Select(m => byMember.GetValueOrDefault(m)).FirstOrDefault(v => v is not null) ?? anyTest;
            if (hit is not null) result[testName] = hit;
        }
        return result;
    }

    /// <summary>
    /// The first banned use (in the order the summary names them) against each of <paramref name="tests"/>, said to count
    /// against every test: where which tests reach it could not be read in time.
    /// </summary>
    public static IReadOnlyDictionary<string, AnalysisFinding> AgainstEveryTest(IReadOnlyList<AnalysisFinding> violations, IEnumerable<string> tests)
    {
        var first = violations.OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line).ThenBy(v => v.Column).ThenBy(v => v.Api, StringComparer.Ordinal).First();
        var said = first with { Message = $"{first.Message} {AnyTest}" };
        return tests.Distinct(StringComparer.Ordinal).ToDictionary(t => t, _ => said, StringComparer.Ordinal);
    }
}
