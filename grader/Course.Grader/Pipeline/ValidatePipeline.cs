using Course.Grader.Authoring;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Pipeline;

/// <summary>
/// <c>course validate</c>: grades the reference, the starter, and the reference with each solution region
/// stubbed in turn, all through the same pipeline a student's submission goes through. The reference runs alone
/// (its per-test times are reported); the other variants run <paramref name="jobs"/> at a time, each in its own
/// worker process, and come back in a fixed order.
/// </summary>
public static class ValidatePipeline
{
    public static async Task<ValidationReport> ValidateAsync(
        CourseLayout layout, string assignment, WorkerLocation? worker = null, IProgress<string>? progress = null,
        int jobs = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        var manifest = layout.LoadManifest(assignment);
        var suites = new HomeworkSuites(manifest, layout);
        worker ??= WorkerLocation.Default();
        var referenceProject = Path.Combine(layout.ReferenceDir(assignment), manifest.Project);
        var provenance = new Provenance(GraderVersion: GradePipeline.GraderVersion, TestSuiteHash.Of(suites, includeHidden: true), null, "validate");
        var now = DateTimeOffset.UtcNow;

        Task<GradeReport> Grade(AssemblySources homework, string what, CancellationToken token)
        {
            progress?.Report(what);
            return GradePipeline.GradeWorkspaceAsync(suites, homework, [], provenance with { SubmissionSource = what }, includeHidden: true, worker, now, cancellationToken: token);
        }

        var referenceFiles = SourceFile.ReadFolder(referenceProject, referenceProject);
        var reference = await Grade(new AssemblySources(manifest.Project, referenceFiles), "reference", cancellationToken);

        // The starter first, then one variant per solution region (Region is null for the starter).
        var variants = new List<(string What, string? Region, IReadOnlyList<SourceFile> Files)>
        {
            ("starter", null, SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject)),
        };
        foreach (var file in referenceFiles)
            foreach (var (region, stubbed) in StarterGenerator.SingleRegionStubs(file.Text, file.Path))
                variants.Add(($"stub {region}", region, referenceFiles.Select(f => f.Path == file.Path ? f with { Text = stubbed } : f).ToList()));

        var graded = new GradeReport[variants.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, variants.Count), options, async (i, token) =>
            graded[i] = await Grade(new AssemblySources(manifest.Project, variants[i].Files), variants[i].What, token));

        var regions = variants.Zip(graded).Where(v => v.First.Region is not null)
            .Select(v => new RegionCheck(v.First.Region!, v.Second.Score, v.Second.MaxScore,
                v.Second.Tests.Where(t => !t.Passed).Select(t => t.FullName).ToList()))
            .ToList();
        return new ValidationReport(assignment, reference, graded[0], regions);
    }
}
