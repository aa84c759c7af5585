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
/// corpus of correct variants (under the same noise), bugs and refused attacks (<see cref="VariantCorpus"/>), all through the same
/// pipeline a student's submission goes through. The reference runs in a worker of its own (its per-test times are
/// reported), beside the reference under float noise when there are two jobs; the other checks take turns in warm workers
/// (<see cref="WorkerPool"/>), share runs where none can change what another's tests see, or where all must keep every
/// point (<see cref="RunCombiner"/>), go
/// <paramref name="jobs"/> runs at a time (and no more than the <paramref name="runSlots"/> shared with other homeworks' validations allow), and come back in a fixed order.
/// </summary>
public static class ValidatePipeline
{
    /// <param name="pool">Warm workers to run the checks in, shared with the validation of other homeworks (every one of them
    /// the TA's code); null: a pool of this validation's own.</param>
    /// <param name="runSlots">How many runs may go at once, shared with the validations of other homeworks that run beside this
    /// one, so that one homework's last runs and the next one's first fill the cores together; null: <paramref name="jobs"/> of this validation's own.</param>
    public static async Task<ValidationReport> ValidateAsync(
        CourseLayout layout, string assignment, WorkerLocation? worker = null, IProgress<string>? progress = null,
        int jobs = 1, WorkerPool? pool = null, SemaphoreSlim? runSlots = null, CancellationToken cancellationToken = default)
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

        var timings = new System.Collections.Concurrent.ConcurrentBag<RunTiming>();
        var limits = RunLimits.From(manifest.Limits);
        // Every run but the reference's takes turns in warm workers: all of them run the TA's own code.
        using var ownPool = pool is null ? new WorkerPool(worker) : null;
        pool ??= ownPool!;
        using var ownSlots = runSlots is null ? new SemaphoreSlim(jobs) : null;
        runSlots ??= ownSlots!;
        AssemblySources Sources(IReadOnlyList<SourceFile> files) => new(manifest.Project, files);
        var given = suites.GivenLibraries(worker.LibraryAssemblies);
        // The reference under the noise runs on given libraries under it too: they compute on the same hardware as the homework.
        // A correct variant differs from the reference only in the homework's code, so the noise of that code is what it is checked under.
        var givenSources = suites.GivenLibraryProjects().Select(p => GivenLibraries.Read(layout, p)).ToList();
        var noisyGiven = givenSources.Select(l => GivenLibraries.Compile(FloatNoise.Apply(l, worker.LibraryAssemblies), worker.LibraryAssemblies)).ToList();

        async Task<GradeReport> Grade(IReadOnlyList<SourceFile> files, Noise noise, string what, IReadOnlyList<string>? only, CancellationToken token, int checks = 1,
            bool pooled = true)
        {
            await runSlots.WaitAsync(token);
            try
            {
                var libraries = noise == Noise.CodeAndLibraries ? noisyGiven : given;
                var homework = noise == Noise.None ? Sources(files) : FloatNoise.Apply(Sources(files), worker.LibraryAssemblies, libraries);
                progress?.Report(what);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                // Checks that share a run share its time limit: each gets the whole of it, as alone.
                var report = await GradePipeline.GradeWorkspaceAsync(suites, homework, [], provenance with { SubmissionSource = what }, includeHidden: true, worker, now,
                    limits with { TotalTimeout = limits.TotalTimeout * checks }, only: only, pool: pooled ? pool : null,
                    givenLibraries: libraries, cancellationToken: token);
                timings.Add(new RunTiming(what, clock.Elapsed.TotalSeconds, report.Tests.Sum(t => t.DurationSeconds), report.Tests.Count(t => t.DurationSeconds > 0)));
                return report;
            }
            finally
            {
                runSlots.Release();
            }
        }

        var referenceFiles = SourceFile.ReadFolder(referenceProject, referenceProject);
        // The reference runs in a worker of its own, as a student's submission does, and its per-test times are those of a grade.
        // The reference under float noise needs nothing the reference's run tells, so with a second job it runs beside it.
        var referenceRun = Grade(referenceFiles, Noise.None, "reference", null, cancellationToken, pooled: false);
        var noiseRun = jobs > 1 ? Grade(referenceFiles, Noise.CodeAndLibraries, NoiseRun, null, cancellationToken) : null;
        var reference = await referenceRun;
        var noisy = await (noiseRun ?? Grade(referenceFiles, Noise.CodeAndLibraries, NoiseRun, null, cancellationToken));
        IReadOnlyList<string> problems = HomeworkChecks.Problems(layout, manifest,
            [.. TrustedTests.For(suites, includeHidden: true, provenance.TestSuiteHash, worker).SelectMany(s => s.Tests)]);

        // A stubbed region runs only the tests that can reach it: every other test passed for the reference and cannot
        // see the stub, so running it again would say nothing (and the training tests of a homework are its slowest).
        var (homeworkCompilation, suiteCompilations) = CompileStage.ForReading(
            new CompileRequest(Sources(referenceFiles), [.. suites.Suites(includeHidden: true).Select(s => s.Sources)], worker.LibraryAssemblies, given));
        var reach = TestReach.Of(homeworkCompilation, suiteCompilations);
        problems = [.. problems, .. TensorHandOff.Problems(homeworkCompilation, suiteCompilations, manifest.StudentFiles), .. NanBlindBounds.Problems(suiteCompilations),
            .. HomeworkEquality.Problems(homeworkCompilation, suiteCompilations, manifest.StudentFiles), .. TestHeldState.Problems(suiteCompilations), .. UnscopedTests.Problems(suiteCompilations),
            .. GivenLibraryState.Problems(givenSources.Select(l => GivenLibraries.ForReading(l, worker.LibraryAssemblies)))];
        var combiner = new RunCombiner(referenceFiles, homeworkCompilation, reach);

        // The starter first, then one variant per solution region (Region is null for the others), and the corpus's bugs on the
        // tests that must catch them.
        var runs = new List<(CheckRun Run, string? Region, Variant? Variant)>
        {
            (new CheckRun("starter", SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject), null, Noisy: false), null, null),
        };
        // A stubbed region needs one test that loses points to be guarded, so it runs first on the narrowest test that reaches
        // it (the one that reaches the fewest of the homework's members, the quickest by the reference's run time of those), and on the others
        // only when that one passes: a stub late in a training test's path would otherwise retrain for nothing. The narrowest
        // is the likeliest to call the region itself, and the likeliest to share a run with other checks (see RunCombiner).
        var spans = new List<(string Region, string File, int FirstLine, int LastLine)>();
        var reachingRegion = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.Ordinal);
        var stubbedFiles = new Dictionary<string, IReadOnlyList<SourceFile>>(StringComparer.Ordinal);
        var firstOf = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var file in referenceFiles)
            foreach (var (region, stubbed, first, last) in StarterGenerator.SingleRegionStubsWithLines(file.Text, file.Path))
            {
                spans.Add((region, file.Path, first, last));
                var reaching = reachingRegion[region] = TestReach.MemberAt(homeworkCompilation, file.Path, first) is { } member ? reach.TestsReaching(member) : null;
                if (reaching is { Count: 0 }) continue; // no test can reach it: not guarded, nothing to run
                var files = stubbedFiles[region] = referenceFiles.Select(f => f.Path == file.Path ? f with { Text = stubbed } : f).ToList();
                var narrowest = firstOf[region] = reaching?.OrderBy(test => reach.HomeworkMembersReachedBy(test) ?? int.MaxValue)
                    .ThenBy(test => ReferenceSeconds(reference, test)).First();
                var on = narrowest is null ? "" : $" on the narrowest of the {reaching!.Count} of {reach.Tests.Count} test methods that reach it";
                runs.Add((new CheckRun($"stub {region}{on}", files, narrowest is null ? null : [narrowest], Noisy: false), region, null));
            }
        foreach (var bug in corpus.Where(v => v.Kind == VariantKind.Bug))
            runs.Add((new CheckRun($"bug {bug.Name}", bug.ApplyTo(referenceFiles, corpusPath), bug.CaughtBy is { Count: > 0 } named ? named : null, Noisy: false), null, bug));
        // A refused variant is graded on every test, alone: refused, it runs none and costs a compile and an analysis.
        foreach (var refused in corpus.Where(v => v.Kind == VariantKind.Refused))
            runs.Add((new CheckRun($"refused {refused.Name}", refused.ApplyTo(referenceFiles, corpusPath), null, Noisy: false), null, refused));
        var graded = await GradeAllAsync(runs);
        var stubRuns = runs.Zip(graded).Where(v => v.First.Region is not null).ToDictionary(v => v.First.Region!, v => v.Second, StringComparer.Ordinal);
        var rest = stubRuns.Where(s => !LostPoints(s.Value, reference.MaxScore) && reachingRegion[s.Key] is { Count: > 1 })
            .Select(s => (Run: new CheckRun($"stub {s.Key} on the other {reachingRegion[s.Key]!.Count - 1} test methods that reach it", stubbedFiles[s.Key],
                [.. reachingRegion[s.Key]!.Where(t => t != firstOf[s.Key])], Noisy: false), Region: (string?)s.Key, Variant: (Variant?)null))
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
            .Select(v => (Run: new CheckRun($"correct variant {v.Name} under float noise", v.ApplyTo(referenceFiles, corpusPath), GuardsOf(v), Noisy: true) { MustKeepEveryPoint = true },
                Region: (string?)null, Variant: (Variant?)v))
            .ToList();
        var gradedCorrect = await GradeAllAsync(correct, MaxCorrectVariantsPerRun);

        var order = corpus.Select((v, i) => (v.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var variants = runs.Zip(graded).Concat(correct.Zip(gradedCorrect)).Where(v => v.First.Variant is not null)
            .Select(v => new VariantCheck(v.First.Variant!, v.Second) { RanOnly = v.First.Variant!.Kind == VariantKind.Correct ? v.First.Run.Only : null })
            .OrderBy(v => order[v.Variant.Name])
            .ToList();
        return new ValidationReport(assignment, reference, graded[0], regions) { Noisy = noisy, Variants = variants, Problems = problems, Timings = [.. timings.OrderByDescending(t => t.WallSeconds)] };

        // The checks of a batch, in groups that share a run where they can (see RunCombiner), a group's run graded and split
        // back into one report per check; a check whose share of a run is not a clean result (the run was refused or did
        // not compile, or a worker start ended early while its tests failed), or that must keep every point and lost one
        // where other checks' changes may have been the cause, is graded again alone.
        async Task<GradeReport[]> GradeAllAsync(IReadOnlyList<(CheckRun Run, string? Region, Variant? Variant)> batch, int maxPerRun = MaxChecksPerRun)
        {
            var results = new GradeReport?[batch.Count];
            var checks = batch.Select(b => b.Run).ToList();
            var groups = combiner.Group(checks, maxPerRun);
            var alone = new System.Collections.Concurrent.ConcurrentBag<int>();
            var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(groups, options, async (group, token) =>
            {
                if (group.Count == 1)
                {
                    results[group[0]] = await GradeAlone(checks[group[0]], token);
                    return;
                }
                var members = group.Select(i => checks[i]).ToList();
                var files = combiner.Combine(members);
                var shared = await Grade(files, NoiseOf(members[0]),
                    $"{members.Count} checks in one run: {string.Join("; ", members.Select(m => m.What))}",
                    [.. members.SelectMany(m => m.Only!).Distinct(StringComparer.Ordinal)], token, members.Count);
                foreach (var i in group)
                {
                    if (SharedRun.ShareOf(shared, checks[i].Only!, checks[i].MustKeepEveryPoint) is { } own) results[i] = own;
                    else alone.Add(i);
                }
            });
            await Parallel.ForEachAsync(alone.Order(), options, async (i, token) => results[i] = await GradeAlone(checks[i], token));
            return [.. results.Select(r => r!)];
        }

        Task<GradeReport> GradeAlone(CheckRun check, CancellationToken token) =>
            Grade(check.Files, NoiseOf(check), check.What, check.Only, token);
    }

    /// <summary>What a run is graded under: as written, with float noise in the homework's code, or in its given libraries as well.</summary>
    enum Noise { None, Code, CodeAndLibraries }

    static Noise NoiseOf(CheckRun check) => check.Noisy ? Noise.Code : Noise.None;

    /// <summary>How many checks at most share a run: enough that the worker's start is a small part of it, few enough to keep <c>--jobs</c> busy.</summary>
    const int MaxChecksPerRun = 8;

    /// <summary>
    /// How many correct variants at most share a run. Their runs hold the tests that reach every region they edit, most often
    /// a homework's training tests, which each run repeats in full: so the fewer runs, the less of the same training (a share
    /// loses a point only when a variant is not correct, and is then graded again alone). Variants whose lines overlap never
    /// share a run, so a homework's rewrites of one region still spread over several runs for <c>--jobs</c>.
    /// </summary>
    const int MaxCorrectVariantsPerRun = 16;

    /// <summary>How long a test method (a full name, or the prefix of a method's cases) took in the reference's run.</summary>
    static double ReferenceSeconds(GradeReport reference, string test) =>
        reference.Tests.Where(t => TestNames.Selects(test, t.FullName)).Sum(t => t.DurationSeconds);

    /// <summary>Whether a stub's run lost points: a test it ran failed (tests it did not run report no result, and do not count).</summary>
    static bool LostPoints(GradeReport stubbed, double maxScore) => RegionCheck.From("", stubbed, maxScore).Guarded;

    /// <summary>What the run of the reference under <see cref="FloatNoise"/> is called in progress and reports.</summary>
    public const string NoiseRun = "reference under float noise";
}
