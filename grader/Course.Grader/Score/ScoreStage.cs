using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Course.Grader.Run;

namespace Course.Grader.Score;

/// <summary>What scoring needs, and nothing else.</summary>
/// <param name="Tests">The trusted list of test cases (see <c>TestCatalog</c>): what is scored, with its points and visibility.</param>
/// <param name="Results">What the test process reported, matched to <paramref name="Tests"/> by suite and full name; a result for
/// a test not on the list is ignored, and a listed test without one fails.</param>
/// <param name="BannedReached">For each test (by full name), the banned API use in the homework it can reach.</param>
/// <param name="CompileFailure">Set when the homework did not compile: nothing ran.</param>
/// <param name="Refusal">Set when the submission was refused before anything ran (it changed what the tests bind to).</param>
public sealed record ScoreInput(
    AssignmentManifest Manifest,
    IReadOnlyList<TestCaseSpec> Tests,
    IReadOnlyList<TestCaseResult> Results,
    IReadOnlyDictionary<string, AnalysisFinding> BannedReached,
    IReadOnlyList<Annotation> Annotations,
    string? CompileFailure,
    Provenance Provenance,
    DateTimeOffset GradedAt,
    string? Refusal = null);

/// <summary>
/// Turns test results into points: a pure function of the manifest, the trusted test list and the results. A test's
/// points come from the manifest's override, else its <c>[Points]</c> as the trusted test code declares it; a
/// parameterised test's points are split evenly over its cases. A test scores its points only when it passed, reaches
/// no banned API, and the submission was not refused.
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
        var reported = input.Results
            .GroupBy(r => (r.Test.Suite, r.Test.FullName))
            .ToDictionary(g => g.Key, g => g.First());
        var listed = input.Tests
            .OrderBy(t => t.Suite, StringComparer.Ordinal).ThenBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        var shares = Shares(listed, manifest);
        // Why nothing ran is one line in every test's message: it can quote a student's text (a compile error's).
        var notRun = (input.CompileFailure ?? input.Refusal)?.ReplaceLineEndings(" ");
        var tests = listed
            .Select((test, i) => Grade(test, reported.GetValueOrDefault((test.Suite, test.FullName)), shares[i], manifest,
                BannedFor(test, input.BannedReached), refusal, notRun))
            .ToList();
        var status = input.CompileFailure is not null ? GradeStatus.CompileError
            : input.Refusal is not null || refusal is not null ? GradeStatus.Rejected
            : GradeStatus.Graded;
        double score = Round(tests.Sum(t => t.Score)), max = Round(tests.Sum(t => t.MaxScore));
        var annotations = Annotated(input.Annotations);
        var summary = Summarise(status, score, max, tests, violations, notRun, noneRan: input.Results.Count == 0);
        if (annotations.Count < input.Annotations.Count)
            summary += string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $" Only {annotations.Count} of the {input.Annotations.Count:N0} places found are annotated, failures first.");
        return new GradeReport(
            GradeReport.CurrentSchemaVersion, manifest.Id, manifest.Title, status, score, max, summary, tests, annotations, input.Provenance, input.GradedAt);
    }

    /// <summary>
    /// The most annotations a report holds: what one GitHub check-run request takes, and more than anyone reads. A
    /// submission's text decides how many places are found (a line of a banned call, a stub or a compile error each), so
    /// without a bound one student could make a report of megabytes and a publish of thousands of API requests.
    /// </summary>
    public const int MaxAnnotations = 50;

    /// <summary>At most <see cref="MaxAnnotations"/>: failures before warnings before notices, each in the order found.</summary>
    static IReadOnlyList<Annotation> Annotated(IReadOnlyList<Annotation> found) =>
        found.Count <= MaxAnnotations ? found
        : [.. found.Select((annotation, i) => (annotation, i))
            .OrderByDescending(a => a.annotation.Level).ThenBy(a => a.i)
            .Take(MaxAnnotations)
            .OrderBy(a => a.i)
            .Select(a => a.annotation)];

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

    /// <summary>
    /// The manifest's override, else the test's <c>[Visibility]</c>, else visible; but a test of the hidden tests is
    /// hidden by where it lives, so that forgetting the attribute never shows it: only <c>after_due_date</c> shows it.
    /// </summary>
    public static TestVisibility VisibilityOf(TestCaseSpec test, AssignmentManifest manifest)
    {
        var declared = DeclaredVisibility(test, manifest) ?? TestVisibility.Visible;
        return test.InHiddenSuite && declared != TestVisibility.AfterDueDate ? TestVisibility.Hidden : declared;
    }

    /// <summary>What the manifest's override or the test's <c>[Visibility]</c> asks for; null when neither says.</summary>
    public static TestVisibility? DeclaredVisibility(TestCaseSpec test, AssignmentManifest manifest) =>
        Override(test, manifest)?.Visibility ?? test.Visibility switch
        {
            "visible" => TestVisibility.Visible,
            "hidden" => TestVisibility.Hidden,
            "after_due_date" => TestVisibility.AfterDueDate,
            _ => null,
        };

    /// <summary>Whether the manifest or the test's <c>[Points]</c> (on it, its fixture or its assembly) gives it points at all.</summary>
    public static bool HasPoints(TestCaseSpec test, AssignmentManifest manifest) => (Override(test, manifest)?.Points ?? test.Points) is not null;

    /// <summary>The banned use a test reaches, keyed by its full name or, for a case, by its method.</summary>
    static AnalysisFinding? BannedFor(TestCaseSpec test, IReadOnlyDictionary<string, AnalysisFinding> reached) =>
        reached.GetValueOrDefault(test.FullName)
        ?? (test.ParameterizedMethod is { } method ? reached.GetValueOrDefault(method) : null)
        ?? (test.FullName.IndexOf('(') is var paren and > 0 ? reached.GetValueOrDefault(test.FullName[..paren]) : null);

    static TestOverride? Override(TestCaseSpec test, AssignmentManifest manifest) =>
        manifest.Tests.GetValueOrDefault(test.FullName)
        ?? (test.ParameterizedMethod is { } method ? manifest.Tests.GetValueOrDefault(method) : null);

    /// <summary>
    /// An API as a message names it: without its parameter list, which the line already pins to one overload (a message audit,
    /// round 18: 200 characters of signature came before the reason).
    /// </summary>
    static string CalledName(string api) => api.IndexOf('(', StringComparison.Ordinal) is > 0 and var open ? api[..open] : api;

    /// <param name="notRun">Why nothing ran (a compile failure, a refusal); null when the tests ran.</param>
    static TestGrade Grade(TestCaseSpec test, TestCaseResult? result, double max, AssignmentManifest manifest, AnalysisFinding? banned, AnalysisFinding? refusal, string? notRun)
    {
        var outcome = result is null || notRun is not null || refusal is not null ? TestOutcome.Error : banned is not null ? TestOutcome.Failed : result.Outcome;
        var ran = result is not null;
        result ??= TestCaseResult.Stopped(test, NoResult);
        var message = result.Message;
        var earned = result.Passed;
        // A refused submission's tests never run (GradePipeline): the refusal says it all.
        var ownFailure = result.Passed || (!ran && refusal is not null) ? "" : $"\n{result.Message}";
        if (notRun is not null)
        {
            earned = false;
            message = $"Not run: {notRun}";
        }
        else if (banned is not null)
        {
            earned = false;
            var verdict = refusal is not null ? "The submission was refused" : "Scored 0";
            message = $"{verdict}: this test reaches {CalledName(banned.Api)} at {banned.File}:{banned.Line}, which is not allowed here. {banned.Message}" + ownFailure;
        }
        else if (refusal is not null)
        {
            earned = false;
            message = $"The submission was refused: it uses {CalledName(refusal.Api)} at {refusal.File}:{refusal.Line}, which is not allowed here. {refusal.Message}" + ownFailure;
        }
        return new TestGrade(
            DisplayName(test), test.FullName, test.Suite, test.ParameterizedMethod,
            earned, earned ? max : 0, max, VisibilityOf(test, manifest),
            message, notRun is null ? result.Output : "", notRun is null ? result.DurationSeconds : 0)
        { Outcome = outcome, OnOtherInputs = test.ReplaysGolden || (ran && result.Test.OnOtherInputs) };
    }

    /// <summary>The message of a listed test the test process never reported on.</summary>
    public const string NoResult = "the test process reported no result for this test";

    /// <summary>"AttentionHeadTests.Forward_IsCausal": the fixture's short name keeps same-named tests apart.</summary>
    static string DisplayName(TestCaseSpec test) =>
        test.ClassName.Length == 0 ? test.Name : $"{test.ClassName[(test.ClassName.LastIndexOf('.') + 1)..]}.{test.Name}";

    static string Summarise(GradeStatus status, double score, double max, IReadOnlyList<TestGrade> tests, IReadOnlyList<AnalysisFinding> violations, string? notRun, bool noneRan)
    {
        var passed = tests.Count(t => t.Passed);
        var head = $"{Format(score)}/{Format(max)} points; {passed} of {tests.Count} tests passed.";
        return status switch
        {
            GradeStatus.CompileError => $"{head} Your code did not compile, so no test could run: {notRun}",
            GradeStatus.Rejected when notRun is not null => $"{head} The submission was refused, so no test ran: {notRun}",
            GradeStatus.Rejected => $"{head} The submission was refused{(noneRan ? ", so no test ran" : "")}: it uses {violations[0].Api} at {violations[0].File}:{violations[0].Line}. {violations[0].Message}",
            _ when violations.Count > 0 => $"{head} Tests that reach a banned API score 0: {string.Join(", ", violations.Select(v => $"{v.Api} at {v.File}:{v.Line}").Distinct())}.",
            _ => head,
        };
    }

    static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    public static string Format(double points) => points.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
}
