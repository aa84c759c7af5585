using Course.Grader.Analyze;
using Course.Grader.Compile;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Pipeline;

/// <summary>Which tests can reach a banned API use in the homework, through any chain of calls (see <see cref="TestReach"/>).</summary>
static class BannedReach
{
    public static IReadOnlyDictionary<string, AnalysisFinding> ForTests(
        MemberGraph homeworkGraph, IReadOnlyList<AnalysisFinding> violations, IEnumerable<AssemblyCompileResult> suites, Compilation homework)
    {
        var result = new Dictionary<string, AnalysisFinding>(StringComparer.Ordinal);
        if (violations.Count == 0) return result;
        var byMember = violations.Where(v => v.Member is not null).GroupBy(v => v.Member!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var reach = TestReach.Of(homework, suites.Select(s => (Compilation)s.Compilation), homeworkGraph);
        foreach (var (testName, roots) in reach.Tests)
        {
            var hit = reach.FromTest(roots).Select(m => byMember.GetValueOrDefault(m)).FirstOrDefault(v => v is not null);
            if (hit is not null) result[testName] = hit;
        }
        return result;
    }
}
