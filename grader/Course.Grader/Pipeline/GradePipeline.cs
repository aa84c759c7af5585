using System.Diagnostics;
using System.Reflection;
using Course.Grader.Analyze;
using Course.Grader.Binding;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Run;
using Course.Grader.Score;
using Course.Grader.Scratch;
using Course.Grader.Workspace;

namespace Course.Grader.Pipeline;

/// <summary>
/// submission → workspace → compile → analyze → run → score. Whatever the student's code does, the
/// result is a <see cref="GradeReport"/>; an exception out of here is the grader's own failure.
/// </summary>
/// <remarks>
/// What is graded, for how many points and with what visibility comes from the trusted test code as the grader reads
/// it (<see cref="TrustedTests"/>), never from the test process: every listed test gets a grade, whether or not
/// anything ran.
/// </remarks>
public static class GradePipeline
{
    public static string GraderVersion { get; } =
        typeof(GradePipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<GradeReport> GradeAsync(GradeRequest request, CancellationToken cancellationToken = default)
    {
        var manifest = request.Layout.LoadManifest(request.Assignment);
        var suites = new HomeworkSuites(manifest, request.Layout);
        var worker = request.Worker ?? WorkerLocation.Default();
        var now = (request.Clock ?? (() => DateTimeOffset.UtcNow))();
        // Held while the grade runs: if the process dies, a later grade sweeps it (the submission's files are the student's).
        using var folder = ScratchFolder.Create("course-grade-");
        var scratch = folder.Path;
        var testSuiteHash = TestSuiteHash.Of(suites, request.IncludeHidden);
        // The trusted view of the tests does not depend on the submission: start reading it while the submission is read.
        _ = Task.Run(() => TrustedTests.For(suites, request.IncludeHidden, testSuiteHash, worker), cancellationToken);
        SubmissionFiles files;
        try
        {
            files = SubmissionFiles.Materialize(request.Submission, scratch);
        }
        catch (SubmissionException e)
        {
            var provenance = new Provenance(GraderVersion, testSuiteHash, null, request.Submission.ToString());
            return NotRun(suites, request.IncludeHidden, provenance, worker, now, $"the submission could not be read: {e.Message}");
        }
        var workspace = WorkspaceStage.Build(manifest, suites.StarterProject, files.Root);
        var notes = files.Notes.Concat(workspace.Notes).ToList();
        using var early = request.StartWorkerEarly ? await WorkerPool.ForOneGradeAsync(worker) : null;
        return await GradeWorkspaceAsync(suites, workspace.Homework, notes, new Provenance(GraderVersion, testSuiteHash, files.Commit, request.Submission.ToString()),
            request.IncludeHidden, worker, now, request.Limits, request.CompileTimeout, pool: early, cancellationToken: cancellationToken);
    }

    /// <summary>Grades given homework sources (the student's files merged into the starter).</summary>
    /// <param name="compileTimeout">Null: the manifest's <c>limits.compile_timeout_seconds</c>.</param>
    /// <param name="only">When given, only these tests run (see <see cref="RunRequest.Only"/>); the others score as not run.
    /// For <c>course validate</c>'s bug checks, never a grade.</param>
    /// <param name="pool">Workers started ahead of the run (see <see cref="WorkerPool"/>): <c>course validate</c>'s warm ones, or a
    /// grade's own (<see cref="WorkerPool.ForOneGradeAsync"/>); null: a worker started for the run.</param>
    /// <param name="givenLibraries">The homework's given libraries as the homework and tests compile and run against them; null:
    /// as they are written. For <c>course validate</c>'s float noise (<see cref="Fairness.FloatNoise"/>), never a grade.</param>
    public static async Task<GradeReport> GradeWorkspaceAsync(
        HomeworkSuites suites, AssemblySources homework, IReadOnlyList<string> notes, Provenance provenance,
        bool includeHidden, WorkerLocation worker, DateTimeOffset now, RunLimits? limits = null, TimeSpan? compileTimeout = null,
        IReadOnlyList<string>? only = null, WorkerPool? pool = null, IReadOnlyList<GivenLibrary>? givenLibraries = null,
        CancellationToken cancellationToken = default)
    {
        var manifest = suites.Manifest;
        var testSuites = suites.Suites(includeHidden);
        // The trusted view of the tests (cached per test-suite hash) is read while the submission compiles.
        var readTrusted = Task.Run(() => TrustedTests.For(suites, includeHidden, provenance.TestSuiteHash, worker), cancellationToken);
        var timeout = compileTimeout ?? TimeSpan.FromSeconds(manifest.Limits.CompileTimeoutSeconds);
        // Trusted and cached: compiled before the submission's compile starts its clock.
        var given = givenLibraries ?? suites.GivenLibraries(worker.LibraryAssemblies);
        // One limit for compiling the submission and checking it (see Deadline): the check gets what the compile left.
        var clock = Stopwatch.StartNew();
        var compiled = Compile(homework, testSuites, given, worker, timeout, cancellationToken);
        var compiling = clock.Elapsed;
        var trusted = await readTrusted;
        var listed = trusted.SelectMany(s => s.Tests).ToList();
        var studentFiles = new HashSet<string>(manifest.StudentFiles, StringComparer.Ordinal);
        GradeReport Scored(IReadOnlyList<TestCaseResult> results, IReadOnlyDictionary<string, AnalysisFinding> banned, IReadOnlyList<Annotation> annotations,
            string? compileFailure = null, string? refusal = null)
        {
            var report = ScoreStage.Score(new ScoreInput(manifest, listed, results, banned, annotations, compileFailure, provenance, now, refusal));
            return ReportText.Clean(notes.Count == 0 ? report : report with { Summary = report.Summary + " " + string.Join(" ", notes) });
        }

        if (compiled is null)
            return Scored([], NoFindings, [], $"compiling your code took longer than {RunLimits.Seconds(timeout)} s, so it was stopped. " +
                "Deeply nested lambdas or generic types can make the C# compiler work exponentially hard, and an expression of many thousands of terms very hard; simplify them.");
        var annotations = compiled.Homework.Errors.Where(d => d.File is not null)
            .Select(d => new Annotation(AnnotationLevel.Failure, d.File!, d.Line, d.Column, $"error {d.Id}", d.Message)).ToList();
        if (!compiled.Homework.Success)
        {
            var first = compiled.Homework.Errors.FirstOrDefault();
            return Scored([], NoFindings, annotations, $"{compiled.Homework.Errors.Count()} compile error(s) in your code; the first is {first}");
        }
        if (!compiled.Success)
            throw new InvalidOperationException("the trusted tests do not compile: " +
                string.Join("; ", compiled.TestSuites.SelectMany(s => s.Errors).Take(3)));

        var check = Deadline.Run(token =>
        {
            // Both read the compiled code only; neither runs any of it, so they go side by side.
            var analyzing = Task.Run(() => AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For(manifest), manifest.BannedApis, cancellationToken: token), token);
            var changes = BindingChanges(trusted, compiled, manifest.Project, studentFiles, token);
            var analysis = analyzing.GetAwaiter().GetResult();
            // After the analysis, which has read every file's uses that the given files' bindings are made of.
            var givenChanges = TrustedTests.GivenCode(suites, includeHidden, provenance.TestSuiteHash, worker).ChangesIn(compiled.Homework.Compilation, studentFiles, token);
            return new Checked(analysis, [.. changes, .. givenChanges]);
        }, timeout - compiling, cancellationToken);
        if (check is null)
            return Scored([], NoFindings, annotations, $"compiling and checking your code took longer than {RunLimits.Seconds(timeout)} s, so it was stopped. " +
                "The check reads every type your code makes; generic calls nested in each other can make one exponentially large.");
        var (analysis, changes) = check;
        if (changes.Count > 0)
        {
            static string Calls(BindingChange change) => change.InGivenCode ? "changes what the given code calls" : "changes what the tests call";
            var pointed = changes.Where(c => c.Actual.Target.Declaration is { } d && studentFiles.Contains(d.File))
                .Select(c => new Annotation(AnnotationLevel.Failure, c.Actual.Target.Declaration!.File, c.Actual.Target.Declaration.Line, 1,
                    Calls(c), c.Describe()))
                .DistinctBy(a => (a.File, a.Line)).ToList();
            var more = changes.Select(c => c.Describe()).Distinct().Count() - 1;
            return Scored([], NoFindings, [.. annotations, .. pointed],
                refusal: $"your code {Calls(changes[0])}: {changes[0].Describe()}{(more > 0 ? $" (and {more} more)" : "")}. " +
                         "Keep the starter's public signatures, and do not declare types, extension methods, operators or conversions that the tests or the given code would pick up in place of theirs.");
        }

        var findings = analysis.Findings.Where(f => studentFiles.Contains(f.File)).ToList();
        annotations.AddRange(findings.Select(f => f.IsViolation
            ? new Annotation(AnnotationLevel.Failure, f.File, f.Line, f.Column, $"not allowed: {f.Api}", f.Message)
            : new Annotation(AnnotationLevel.Warning, f.File, f.Line, f.Column, Annotation.StillAStub, "This part is still the starter's NotImplementedException.")));
        // Code that reaches outside the sandbox never runs: under any policy it could act before its test ends.
        var escapes = findings.Where(f => f.Kind is FindingKind.SandboxViolation or FindingKind.UnsafeCode).ToList();
        if (escapes.Count > 0)
        {
            var first = escapes[0];
            var more = escapes.Count > 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (and {escapes.Count - 1:N0} more place(s))") : "";
            return Scored([], NoFindings, annotations,
                refusal: $"it uses {first.Api} at {first.File}:{first.Line}, which homework code may not. {first.Message}{more}");
        }
        var violations = findings.Where(f => f.IsViolation).ToList();
        // Which tests reach a banned use reads the student's types again (a red team, stop 61, c01, made it cubic in a chain of
        // classes): within what the compile and check left of their limit, or else the use counts against every test.
        var bannedReached = violations.Count == 0
            ? NoFindings
            : Deadline.Run(token => BannedReach.ForTests(analysis.Graph, violations, compiled.TestSuites, compiled.Homework.Compilation, token),
                  timeout - clock.Elapsed, cancellationToken)
              ?? BannedReach.AgainstEveryTest(violations, listed.Select(t => t.FullName));
        // Under `reject` a banned use refuses the whole submission whatever its tests do: none of its code runs.
        if (violations.Count > 0 && manifest.BannedPolicy == BannedPolicy.Reject)
            return Scored([], bannedReached, annotations);

        var run = await RunStage.RunAsync(new RunRequest(
            compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Zip(testSuites, (s, t) => new TestSuiteBinary(s.Assembly!, t.GoldenDirectory))],
            limits ?? RunLimits.From(manifest.Limits), worker)
        {
            Only = only ?? [],
            // What a student may not see runs last, so that nothing it leaves in the process reaches a message a student reads.
            Later = [.. listed.Where(t => t.InHiddenSuite || t.ReplaysGolden).Select(t => t.FullName)],
            GivenLibraries = [.. given.Select(library => library.Assembly)],
            Pool = pool,
        }, cancellationToken);
        if (run.Error is not null)
            throw new InvalidOperationException($"the tests could not be run: {run.Error}");

        var isolated = compiled.TestSuites.SelectMany(s => s.Isolated)
            .Select(i => new Annotation(AnnotationLevel.Warning, i.Cause.File ?? "", i.Cause.Line, i.Cause.Column,
                "a test does not compile against your code", $"{i.Member}: {i.Cause.Message}"))
            .Where(a => studentFiles.Contains(a.File));
        return Scored(run.Tests, bannedReached, [.. annotations, .. isolated]) with { Sandbox = run.Sandbox, RunIncidents = run.Incidents.Count };
    }

    static readonly IReadOnlyDictionary<string, AnalysisFinding> NoFindings = new Dictionary<string, AnalysisFinding>();

    /// <summary>Every listed test at zero, not run for <paramref name="reason"/>, which the summary leads with.</summary>
    static GradeReport NotRun(HomeworkSuites suites, bool includeHidden, Provenance provenance, WorkerLocation worker, DateTimeOffset now, string reason)
    {
        // One line in every test's message: it can quote a name from the submission (an archive's entry, a commit's file).
        reason = reason.ReplaceLineEndings(" ");
        var listed = TrustedTests.For(suites, includeHidden, provenance.TestSuiteHash, worker).SelectMany(s => s.Tests).ToList();
        var report = ScoreStage.Score(new ScoreInput(suites.Manifest, listed, [], NoFindings, [], null, provenance, now));
        var tests = report.Tests.Select(t => t with { Message = $"Not run: {reason}" }).ToList();
        return ReportText.Clean(report with
        {
            Tests = tests,
            Summary = $"0/{ScoreStage.Format(report.MaxScore)} points; 0 of {tests.Count} tests passed. {char.ToUpperInvariant(reason[0])}{reason[1..]}",
        });
    }

    /// <summary>
    /// Where the test code binds differently against the submission than against the starter. A suite that compiled whole
    /// against a submission it sees as it sees the starter (<see cref="CompileStage.TestViewOf"/>: the same non-private
    /// signatures, constants and attributes) binds as it does against the starter, so neither side is read: a correct
    /// submission that keeps the starter's signatures, whatever private helpers it adds, costs no binding of the tests.
    /// </summary>
    static IReadOnlyList<BindingChange> BindingChanges(IReadOnlyList<TrustedSuite> trusted, CompileResult compiled, string homeworkName,
        IReadOnlySet<string> studentFiles, CancellationToken cancellationToken)
    {
        var declarations = new HomeworkDeclarations(compiled.Homework.Compilation);
        var changes = new List<BindingChange>();
        foreach (var (expected, actual) in trusted.Zip(compiled.TestSuites))
        {
            if (compiled.TestView is not null && compiled.TestView == expected.StarterView && actual.UnisolatedErrors.Count == 0) continue;
            // Each side binds every line of the tests: the starter's (read once per process) beside the submission's.
            var starter = Task.Run(() => expected.Bindings);
            var submission = GivenCode.Trusting(
                TestBindings.Read(actual.Unisolated, TestBindings.HomeworkIn(actual.Unisolated, homeworkName), declarations.Of, cancellationToken), studentFiles);
            changes.AddRange(BindingCheck.Compare(starter.GetAwaiter().GetResult(), submission, new IsolatedCode(actual.UnisolatedErrors).Contains));
        }
        return changes;
    }

    /// <summary>What the analyze stage found, and where the tests bind differently against the submission than against the starter.</summary>
    sealed record Checked(AnalysisResult Analysis, IReadOnlyList<BindingChange> Changes);

    /// <summary>Null when compiling took longer than <paramref name="limit"/> (see <see cref="Deadline"/>).</summary>
    static CompileResult? Compile(AssemblySources homework, IReadOnlyList<(AssemblySources Sources, string GoldenDirectory)> suites,
        IReadOnlyList<GivenLibrary> given, WorkerLocation worker, TimeSpan limit, CancellationToken cancellationToken) =>
        Deadline.Run(token => CompileStage.Compile(new CompileRequest(homework, [.. suites.Select(s => s.Sources)], worker.LibraryAssemblies, given), token),
            limit, cancellationToken);
}
