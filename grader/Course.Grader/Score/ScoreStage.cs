using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Course.Grader.Run;

namespace Course.Grader.Score;

/// <summary>What scoring needs, and nothing else.</summary>
/// <param name="BannedReached">For each test (by full name), the banned API use in the homework it can reach.</param>
/// <param name="CompileFailure">Set when the homework did not compile: the tests in Results are the ones it would have run.</param>
public sealed record ScoreInput(
    AssignmentManifest Manifest,
    IReadOnlyList<TestCaseResult> Results,
    IReadOnlyDictionary<string, AnalysisFinding> BannedReached,
    IReadOnlyList<Annotation> Annotations,
    string? CompileFailure,
    Provenance Provenance,
    DateTimeOffset GradedAt);

/// <summary>
/// Turns test results into points: a pure function of the manifest and the results. A test's points come
/// from the manifest's override, else its <c>[Points]</c>; a parameterised test's points are split evenly over
/// its cases. A test scores its points only when it passed, reaches no banned API, and the submission was not refused.
/// </summary>
public static class ScoreStage
{
    public static GradeReport Score(ScoreInput input)
    {
        var manifest = input.Manifest;
        // Ordered so that the summary names the same use first however the analysis listed them.
        var violations = input.BannedReached.Values.Distinct()
            .OrderBy(v => v.File, StringComparer.Ordinal).ThenBy(v => v.Line).ThenBy(v => v.Column).ThenBy(v => v.Api, StringComparer.Ordinal)
            .ToList();
        var refusal = manifest.BannedPolicy == BannedPolicy.Reject && violations.Count > 0 ? violations[0] : null;
        var results = input.Results
            .OrderBy(r => r.Test.Suite, StringComparer.Ordinal).ThenBy(r => r.Test.FullName, StringComparer.Ordinal)
            .ToList();
        var shares = Shares(results.Select(r => r.Test).ToList(), manifest);
        var tests = results
            .Select((r, i) => Grade(r, shares[i], manifest, BannedFor(r.Test, input.BannedReached), refusal, input.CompileFailure))
            .ToList();
        var status = input.CompileFailure is not null ? GradeStatus.CompileError : refusal is not null ? GradeStatus.Rejected : GradeStatus.Graded;
        double score = Round(tests.Sum(t => t.Score)), max = Round(tests.Sum(t => t.MaxScore));
        return new GradeReport(
            GradeReport.CurrentSchemaVersion, manifest.Id, manifest.Title, status, score, max,
            Summarise(status, score, max, tests, violations, input.CompileFailure),
            tests, input.Annotations, input.Provenance, input.GradedAt);
    }

    /// <summary>The points a test is worth: its share of the manifest's or the attribute's points.</summary>
    public static double PointsOf(TestCaseSpec test, AssignmentManifest manifest)
    {
        var points = MethodPoints(test, manifest);
        return IsCase(test) ? points / test.CaseCount : points;
    }

    static double MethodPoints(TestCaseSpec test, AssignmentManifest manifest) => Override(test, manifest)?.Points ?? test.Points ?? 0;

    static bool IsCase(TestCaseSpec test) => test.ParameterizedMethod is not null && test.CaseCount > 1;

    /// <summary>
    /// Each test's points to four places. A method's points are dealt out over its cases in units of
    /// 0.0001, the first cases taking the remainder, so that 10 points over 3 cases add up to 10, not 9.9999.
    /// </summary>
    static double[] Shares(IReadOnlyList<TestCaseSpec> tests, AssignmentManifest manifest)
    {
        var seen = new Dictionary<(string Suite, string Method), int>();
        var shares = new double[tests.Count];
        for (var i = 0; i < tests.Count; i++)
        {
            var test = tests[i];
            if (!IsCase(test))
            {
                shares[i] = Round(MethodPoints(test, manifest));
                continue;
            }
            var key = (test.Suite, test.ParameterizedMethod!);
            var index = seen[key] = seen.GetValueOrDefault(key, -1) + 1;
            var units = (long)Math.Round(MethodPoints(test, manifest) * Units, MidpointRounding.AwayFromZero);
            shares[i] = (units / test.CaseCount + (index < units % test.CaseCount ? 1 : 0)) / (double)Units;
        }
        return shares;
    }

    const int Units = 10_000;

    public static TestVisibility VisibilityOf(TestCaseSpec test, AssignmentManifest manifest) =>
        Override(test, manifest)?.Visibility ?? test.Visibility switch
        {
            "hidden" => TestVisibility.Hidden,
            "after_due_date" => TestVisibility.AfterDueDate,
            _ => TestVisibility.Visible,
        };

    /// <summary>The banned use a test reaches, keyed by its full name or, for a case, by its method.</summary>
    static AnalysisFinding? BannedFor(TestCaseSpec test, IReadOnlyDictionary<string, AnalysisFinding> reached) =>
        reached.GetValueOrDefault(test.FullName)
        ?? (test.ParameterizedMethod is { } method ? reached.GetValueOrDefault(method) : null)
        ?? (test.FullName.IndexOf('(') is var paren and > 0 ? reached.GetValueOrDefault(test.FullName[..paren]) : null);

    static TestOverride? Override(TestCaseSpec test, AssignmentManifest manifest) =>
        manifest.Tests.GetValueOrDefault(test.FullName)
        ?? (test.ParameterizedMethod is { } method ? manifest.Tests.GetValueOrDefault(method) : null);

    static TestGrade Grade(TestCaseResult result, double max, AssignmentManifest manifest, AnalysisFinding? banned, AnalysisFinding? refusal, string? compileFailure)
    {
        var message = result.Message;
        var earned = result.Passed;
        var ownFailure = result.Passed ? "" : $"\n{result.Message}";
        if (compileFailure is not null)
        {
            earned = false;
            message = $"Not run: {compileFailure}";
        }
        else if (banned is not null)
        {
            earned = false;
            var verdict = refusal is not null ? "The submission was refused" : "Scored 0";
            message = $"{verdict}: this test reaches {banned.Api} at {banned.File}:{banned.Line}, which is not allowed here. {banned.Message}" + ownFailure;
        }
        else if (refusal is not null)
        {
            earned = false;
            message = $"The submission was refused: it uses {refusal.Api} at {refusal.File}:{refusal.Line}, which is not allowed here. {refusal.Message}" + ownFailure;
        }
        return new TestGrade(
            DisplayName(result.Test), result.Test.FullName, result.Test.Suite, result.Test.ParameterizedMethod,
            earned, earned ? max : 0, max, VisibilityOf(result.Test, manifest),
            message, result.Output, result.DurationSeconds);
    }

    /// <summary>"AttentionHeadTests.Forward_IsCausal": the fixture's short name keeps same-named tests apart.</summary>
    static string DisplayName(TestCaseSpec test) =>
        test.ClassName.Length == 0 ? test.Name : $"{test.ClassName[(test.ClassName.LastIndexOf('.') + 1)..]}.{test.Name}";

    static string Summarise(GradeStatus status, double score, double max, IReadOnlyList<TestGrade> tests, IReadOnlyList<AnalysisFinding> violations, string? compileFailure)
    {
        var passed = tests.Count(t => t.Passed);
        var head = $"{Format(score)}/{Format(max)} points; {passed} of {tests.Count} tests passed.";
        return status switch
        {
            GradeStatus.CompileError => $"{head} Your code did not compile, so no test could run: {compileFailure}",
            GradeStatus.Rejected => $"{head} The submission was refused: it uses {violations[0].Api} at {violations[0].File}:{violations[0].Line}. {violations[0].Message}",
            _ when violations.Count > 0 => $"{head} Tests that reach a banned API score 0: {string.Join(", ", violations.Select(v => $"{v.Api} at {v.File}:{v.Line}").Distinct())}.",
            _ => head,
        };
    }

    static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static string Format(double points) => points.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
