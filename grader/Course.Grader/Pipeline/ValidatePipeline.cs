using Course.Grader.Authoring;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Pipeline;

/// <summary>
/// <c>course validate</c>: grades the reference, the starter, and the reference with each solution region
/// stubbed in turn, all through the same pipeline a student's submission goes through.
/// </summary>
public static class ValidatePipeline
{
    public static async Task<ValidationReport> ValidateAsync(
        CourseLayout layout, string assignment, WorkerLocation? worker = null, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var manifest = layout.LoadManifest(assignment);
        var suites = new HomeworkSuites(manifest, layout);
        worker ??= WorkerLocation.Default();
        var referenceProject = Path.Combine(layout.ReferenceDir(assignment), manifest.Project);
        var provenance = new Provenance(GraderVersion: GradePipeline.GraderVersion, TestSuiteHash.Of(suites, includeHidden: true), null, "validate");
        var now = DateTimeOffset.UtcNow;

        Task<GradeReport> Grade(AssemblySources homework, string what)
        {
            progress?.Report(what);
            return GradePipeline.GradeWorkspaceAsync(suites, homework, [], provenance with { SubmissionSource = what }, includeHidden: true, worker, now, cancellationToken: cancellationToken);
        }

        var referenceFiles = SourceFile.ReadFolder(referenceProject, referenceProject);
        var reference = await Grade(new AssemblySources(manifest.Project, referenceFiles), "reference");
        var starter = await Grade(new AssemblySources(manifest.Project, SourceFile.ReadFolder(suites.StarterProject, suites.StarterProject)), "starter");

        var regions = new List<RegionCheck>();
        foreach (var file in referenceFiles)
        {
            foreach (var (region, stubbed) in StarterGenerator.SingleRegionStubs(file.Text, file.Path))
            {
                var variant = referenceFiles.Select(f => f.Path == file.Path ? f with { Text = stubbed } : f).ToList();
                var graded = await Grade(new AssemblySources(manifest.Project, variant), $"stub {region}");
                regions.Add(new RegionCheck(region, graded.Score, graded.MaxScore,
                    graded.Tests.Where(t => !t.Passed).Select(t => t.FullName).ToList()));
            }
        }
        return new ValidationReport(assignment, reference, starter, regions);
    }
}
