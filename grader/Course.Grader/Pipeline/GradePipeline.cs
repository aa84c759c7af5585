using System.Reflection;
using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Run;
using Course.Grader.Score;
using Course.Grader.Workspace;

namespace Course.Grader.Pipeline;

/// <summary>
/// submission → workspace → compile → analyze → run → score. Whatever the student's code does, the
/// result is a <see cref="GradeReport"/>; an exception out of here is the grader's own failure.
/// </summary>
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
        var scratch = Directory.CreateTempSubdirectory("course-grade-").FullName;
        try
        {
            var testSuiteHash = TestSuiteHash.Of(suites, request.IncludeHidden);
            SubmissionFiles files;
            try
            {
                files = SubmissionFiles.Materialize(request.Submission, scratch);
            }
            catch (SubmissionException e)
            {
                // The starter is run only to list every test the student would have had; nothing of it is theirs to grade or annotate.
                var starter = new AssemblySources(manifest.Project, SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject));
                var listed = await GradeWorkspaceAsync(suites, starter, [], new Provenance(GraderVersion, testSuiteHash, null, request.Submission.ToString()),
                    request.IncludeHidden, worker, now, request.Limits, cancellationToken);
                return ReportText.Clean(NotRead(listed, $"the submission could not be read: {e.Message}"));
            }
            var provenance = new Provenance(GraderVersion, testSuiteHash, files.Commit, request.Submission.ToString());
            var workspace = WorkspaceStage.Build(manifest, suites.StarterProject, files.Root);
            var notes = files.Notes.Concat(workspace.Notes).ToList();
            return await GradeWorkspaceAsync(suites, workspace.Homework, notes, provenance, request.IncludeHidden, worker, now, request.Limits, cancellationToken);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Grades given homework sources (the student's files merged into the starter).</summary>
    public static async Task<GradeReport> GradeWorkspaceAsync(
        HomeworkSuites suites, AssemblySources homework, IReadOnlyList<string> notes, Provenance provenance,
        bool includeHidden, WorkerLocation worker, DateTimeOffset now, RunLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var manifest = suites.Manifest;
        var testSuites = suites.Suites(includeHidden);
        var compiled = Compile(homework, testSuites, worker);
        var studentFiles = new HashSet<string>(manifest.StudentFiles, StringComparer.Ordinal);
        var annotations = new List<Annotation>();
        annotations.AddRange(compiled.Homework.Errors.Where(d => d.File is not null)
            .Select(d => new Annotation(AnnotationLevel.Failure, d.File!, d.Line, d.Column, $"error {d.Id}", d.Message)));

        string? compileFailure = null;
        IReadOnlyDictionary<string, AnalysisFinding> bannedReached = new Dictionary<string, AnalysisFinding>();
        if (!compiled.Homework.Success)
        {
            var first = compiled.Homework.Errors.FirstOrDefault();
            compileFailure = $"{compiled.Homework.Errors.Count()} compile error(s) in your code; the first is {first}";
            // The starter always compiles: running its tests lists every test the submission would have had.
            compiled = Compile(new AssemblySources(homework.AssemblyName, SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject)), testSuites, worker);
        }
        else
        {
            var analysis = AnalyzeStage.Analyze(compiled.Homework.Compilation, manifest.BannedApis);
            var findings = analysis.Findings.Where(f => studentFiles.Contains(f.File)).ToList();
            annotations.AddRange(findings.Select(f => f.IsViolation
                ? new Annotation(AnnotationLevel.Failure, f.File, f.Line, f.Column, $"not allowed: {f.Api}", f.Message)
                : new Annotation(AnnotationLevel.Warning, f.File, f.Line, f.Column, "still a stub", "This part is still the starter's NotImplementedException.")));
            var graph = MemberGraph.Merge([analysis.Graph, .. compiled.TestSuites.Select(s => MemberGraph.Build(s.Compilation))]);
            bannedReached = BannedReach.ForTests(graph, findings.Where(f => f.IsViolation).ToList(), compiled.TestSuites, compiled.Homework.Compilation);
        }
        if (!compiled.Success)
            throw new InvalidOperationException("the trusted tests do not compile: " +
                string.Join("; ", compiled.TestSuites.SelectMany(s => s.Errors).Take(3)));

        var run = await RunStage.RunAsync(new RunRequest(
            compiled.Homework.Assembly!,
            [.. compiled.TestSuites.Zip(testSuites, (s, t) => new TestSuiteBinary(s.Assembly!, t.GoldenDirectory))],
            limits ?? RunLimits.From(manifest.Limits), worker), cancellationToken);
        if (run.Error is not null)
            throw new InvalidOperationException($"the tests could not be run: {run.Error}");

        var isolated = compiled.TestSuites.SelectMany(s => s.Isolated)
            .Select(i => new Annotation(AnnotationLevel.Warning, i.Cause.File ?? "", i.Cause.Line, i.Cause.Column,
                "a test does not compile against your code", $"{i.Member}: {i.Cause.Message}"))
            .Where(a => studentFiles.Contains(a.File));
        var report = ScoreStage.Score(new ScoreInput(manifest, run.Tests, bannedReached, [.. annotations, .. isolated], compileFailure, provenance, now));
        return ReportText.Clean(notes.Count == 0 ? report : report with { Summary = report.Summary + " " + string.Join(" ", notes) });
    }

    /// <summary>Every test of <paramref name="listed"/> at zero, not run for <paramref name="reason"/>, which the summary leads with.</summary>
    static GradeReport NotRead(GradeReport listed, string reason)
    {
        var tests = listed.Tests.Select(t => t with { Passed = false, Score = 0, Message = $"Not run: {reason}", Output = "", DurationSeconds = 0 }).ToList();
        return listed with
        {
            Score = 0,
            Tests = tests,
            Annotations = [],
            Summary = $"0/{ScoreStage.Format(listed.MaxScore)} points; 0 of {tests.Count} tests passed. {char.ToUpperInvariant(reason[0])}{reason[1..]}",
        };
    }

    static CompileResult Compile(AssemblySources homework, IReadOnlyList<(AssemblySources Sources, string GoldenDirectory)> suites, WorkerLocation worker) =>
        CompileStage.Compile(new CompileRequest(homework, [.. suites.Select(s => s.Sources)], worker.LibraryAssemblies));
}
