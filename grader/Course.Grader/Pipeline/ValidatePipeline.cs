using Course.Grader.Authoring;
using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Pipeline;

/// <summary>
/// <c>course validate</c>: checks the homework's files (<see cref="HomeworkChecks"/>), grades the reference, the starter, the reference under simulated float noise of other
/// hardware (<see cref="FloatNoise"/>), the reference with each solution region stubbed in turn, and the homework's
/// corpus of correct variants (under the same noise) and bugs (<see cref="VariantCorpus"/>), all through the same
/// pipeline a student's submission goes through. The reference runs alone (its per-test times are reported); the
/// other runs go <paramref name="jobs"/> at a time, each in its own worker process, and come back in a fixed order.
/// </summary>
public static class ValidatePipeline
{
    public static async Task<ValidationReport> ValidateAsync(
        CourseLayout layout, string assignment, WorkerLocation? worker = null, IProgress<string>? progress = null,
        int jobs = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var manifest = layout.LoadManifest(assignment);
        var corpus = VariantCorpus.Load(layout, assignment);
        var suites = new HomeworkSuites(manifest, layout);
        worker ??= WorkerLocation.Default();
        var referenceProject = Path.Combine(layout.ReferenceDir(assignment), manifest.Project);
        var provenance = new Provenance(GraderVersion: GradePipeline.GraderVersion, TestSuiteHash.Of(suites, includeHidden: true), null, "validate");
        var now = DateTimeOffset.UtcNow;
        var corpusPath = VariantCorpus.PathFor(layout, assignment);
        var studentFiles = new HashSet<string>(manifest.StudentFiles, StringComparer.Ordinal);

        var timings = new System.Collections.Concurrent.ConcurrentBag<RunTiming>();
        async Task<GradeReport> Grade(AssemblySources homework, string what, IReadOnlyList<string>? only, CancellationToken token)
        {
            progress?.Report(what);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var report = await GradePipeline.GradeWorkspaceAsync(suites, homework, [], provenance with { SubmissionSource = what }, includeHidden: true, worker, now,
                only: only, cancellationToken: token);
            timings.Add(new RunTiming(what, clock.Elapsed.TotalSeconds, report.Tests.Sum(t => t.DurationSeconds), report.Tests.Count(t => t.DurationSeconds > 0)));
            return report;
        }

        AssemblySources Sources(IReadOnlyList<SourceFile> files) => new(manifest.Project, files);
        var given = suites.GivenLibraries(worker.LibraryAssemblies);
        AssemblySources Noisy(IReadOnlyList<SourceFile> files) => FloatNoise.Apply(Sources(files), studentFiles, worker.LibraryAssemblies, given);

        var referenceFiles = SourceFile.ReadFolder(referenceProject, referenceProject);
        var reference = await Grade(Sources(referenceFiles), "reference", null, cancellationToken);
        var problems = HomeworkChecks.Problems(layout, manifest,
            [.. TrustedTests.For(suites, includeHidden: true, provenance.TestSuiteHash, worker).SelectMany(s => s.Tests)]);

        // A stubbed region runs only the tests that can reach it: every other test passed for the reference and cannot
        // see the stub, so running it again would say nothing (and the training tests of a homework are its slowest).
        var (homeworkCompilation, suiteCompilations) = CompileStage.ForReading(
            new CompileRequest(Sources(referenceFiles), [.. suites.Suites(includeHidden: true).Select(s => s.Sources)], worker.LibraryAssemblies, given));
        var reach = TestReach.Of(homeworkCompilation, suiteCompilations);

        // The starter first, then the reference under float noise, one variant per solution region (Region is null for the
        // others), and the corpus's bugs on the tests that must catch them.
        var runs = new List<(string What, string? Region, Variant? Variant, AssemblySources Homework, IReadOnlyList<string>? Only)>
        {
            ("starter", null, null, Sources(SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject)), null),
            (NoiseRun, null, null, Noisy(referenceFiles), null),
        };
        // A stubbed region needs one test that loses points to be guarded, so it runs first on the quickest test that reaches it
        // (by the reference's run time), and on the others only when that one passes: a stub late in a training test's path
        // would otherwise retrain for nothing.
        var spans = new List<(string Region, string File, int FirstLine, int LastLine)>();
        var reachingRegion = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
        var stubbedSources = new Dictionary<string, AssemblySources>(StringComparer.Ordinal);
        var quickestOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var file in referenceFiles)
            foreach (var (region, stubbed, first, last) in StarterGenerator.SingleRegionStubsWithLines(file.Text, file.Path))
            {
                spans.Add((region, file.Path, first, last));
                var reaching = reachingRegion[region] = TestReach.MemberAt(homeworkCompilation, file.Path, first) is { } member ? reach.TestsReaching(member) : null;
                if (reaching is { Count: 0 }) continue; // no test can reach it: not guarded, nothing to run
                var sources = stubbedSources[region] = Sources(referenceFiles.Select(f => f.Path == file.Path ? f with { Text = stubbed } : f).ToList());
                var quickest = quickestOf[region] = reaching?.MinBy(test => ReferenceSeconds(reference, test));
                var on = quickest is null ? "" : $" on the quickest of the {reaching!.Count} of {reach.Tests.Count} test methods that reach it";
                runs.Add(($"stub {region}{on}", region, null, sources, quickest is null ? null : [quickest]));
            }
        foreach (var bug in corpus.Where(v => v.Kind == VariantKind.Bug))
            runs.Add(($"bug {bug.Name}", null, bug, Sources(bug.ApplyTo(referenceFiles, corpusPath)), bug.CaughtBy));
        var graded = await GradeAllAsync(runs);
        var stubRuns = runs.Zip(graded).Where(v => v.First.Region is not null).ToDictionary(v => v.First.Region!, v => v.Second, StringComparer.Ordinal);
        var rest = stubRuns.Where(s => !LostPoints(s.Value, reference.MaxScore) && reachingRegion[s.Key] is { Count: > 1 })
            .Select(s => (What: $"stub {s.Key} on the other {reachingRegion[s.Key]!.Count - 1} test methods that reach it", Region: (string?)s.Key, Variant: (Variant?)null,
                Homework: stubbedSources[s.Key], Only: (IReadOnlyList<string>?)[.. reachingRegion[s.Key]!.Where(t => t != quickestOf[s.Key])]))
            .ToList();
        foreach (var (run, report) in rest.Zip(await GradeAllAsync(rest))) stubRuns[run.Region!] = report;
        var regions = spans.Select(span => RegionCheck.From(span.Region, stubRuns.GetValueOrDefault(span.Region), reference.MaxScore)).ToList();

        // Then the correct variants under float noise, each on the tests that can reach the regions it edits (the ones whose
        // stub failed, where the reach is unknown): every other test cannot see them. An edit outside every region runs every test.
        var guards = regions.ToDictionary(r => r.Region, r => reachingRegion.GetValueOrDefault(r.Region) ?? r.FailingTests);
        IReadOnlyList<string>? GuardsOf(Variant variant)
        {
            var tests = new HashSet<string>(StringComparer.Ordinal);
            foreach (var edit in variant.Edits)
            {
                var lines = edit.LinesIn(referenceFiles.Single(f => f.Path == edit.File).Text);
                var touched = spans.Where(s => s.File == edit.File && lines is { } l && l.First <= s.LastLine && s.FirstLine <= l.Last).ToList();
                if (touched.Count == 0) return null;
                foreach (var span in touched) tests.UnionWith(guards[span.Region]);
            }
            return tests.Count == 0 ? null : [.. tests.Order(StringComparer.Ordinal)];
        }
        var correct = corpus.Where(v => v.Kind == VariantKind.Correct)
            .Select(v => (What: $"correct variant {v.Name} under float noise", Region: (string?)null, Variant: (Variant?)v,
                Homework: Noisy(v.ApplyTo(referenceFiles, corpusPath)), Only: GuardsOf(v)))
            .ToList();
        var gradedCorrect = await GradeAllAsync(correct);

        var order = corpus.Select((v, i) => (v.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var variants = runs.Zip(graded).Concat(correct.Zip(gradedCorrect)).Where(v => v.First.Variant is not null)
            .Select(v => new VariantCheck(v.First.Variant!, v.Second) { RanOnly = v.First.Variant!.Kind == VariantKind.Correct ? v.First.Only : null })
            .OrderBy(v => order[v.Variant.Name])
            .ToList();
        return new ValidationReport(assignment, reference, graded[0], regions) { Noisy = graded[1], Variants = variants, Problems = problems, Timings = [.. timings.OrderByDescending(t => t.WallSeconds)] };

        async Task<GradeReport[]> GradeAllAsync(IReadOnlyList<(string What, string? Region, Variant? Variant, AssemblySources Homework, IReadOnlyList<string>? Only)> batch)
        {
            var results = new GradeReport[batch.Count];
            var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), options, async (i, token) =>
                results[i] = await Grade(batch[i].Homework, batch[i].What, batch[i].Only, token));
            return results;
        }
    }

    /// <summary>How long a test method (a full name, or the prefix of a method's cases) took in the reference's run.</summary>
    static double ReferenceSeconds(GradeReport reference, string test) =>
        reference.Tests.Where(t => Matches(t.FullName, test)).Sum(t => t.DurationSeconds);

    static bool Matches(string fullName, string test) =>
        fullName == test || fullName.StartsWith(test, StringComparison.Ordinal) && fullName[test.Length] is '(' or '.';

    /// <summary>Whether a stub's run lost points: a test it ran failed (tests it did not run report no result, and do not count).</summary>
    static bool LostPoints(GradeReport stubbed, double maxScore) => RegionCheck.From("", stubbed, maxScore).Guarded;

    /// <summary>What the run of the reference under <see cref="FloatNoise"/> is called in progress and reports.</summary>
    public const string NoiseRun = "reference under float noise";
}
