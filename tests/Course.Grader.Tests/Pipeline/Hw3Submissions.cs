using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Run;
using Course.Grader.Score;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// hw3-attention submissions kept as test data (Pipeline/Submissions/&lt;case&gt;/: only the files that differ from the
/// reference), and grading them through <see cref="GradePipeline"/> as <c>course grade</c> does, under short limits.
/// </summary>
static class Hw3Submissions
{
    public const string Assignment = "hw3-attention";

    /// <summary>The one public test that reaches SinusoidalPositionalEmbedding.forward, where the misbehaving cases misbehave.</summary>
    public const string SinusoidalForwardTest = "PositionalEmbeddingTests.SinusoidalForward_GivesTheFirstPosRowsOfTheTable_ForEveryBatchElement";

    public static readonly CourseLayout Layout = CourseLayout.FindFrom(AppContext.BaseDirectory);

    public static readonly AssignmentManifest HomeworkManifest = Layout.LoadManifest(Assignment);

    /// <summary>5 s a test and 1 GB: code that hangs or hogs memory is stopped fast.</summary>
    public static readonly RunLimits ShortLimits = new(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(3), MemoryMb: 1024);

    public static readonly DateTimeOffset GradedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static string ReferenceProject => Path.Combine(Layout.ReferenceDir(Assignment), HomeworkManifest.Project);

    public static string StarterProject => Path.Combine(Layout.StarterDir(Assignment), HomeworkManifest.Project);

    /// <summary>The half-done submission `course grade` shows when given none.</summary>
    public static string PartialExample => Path.Combine(Layout.AssignmentDir(Assignment), "examples", "partial");

    static string CasesRoot => Path.Combine(Layout.Root, "tests", "Course.Grader.Tests", "Pipeline", "Submissions");

    /// <summary>The reference graded on its public tests, once per test run: what "every other test keeps its result" compares with.</summary>
    public static Task<GradeReport> ReferencePublicAsync() => referencePublic.Value;

    static readonly Lazy<Task<GradeReport>> referencePublic = new(() => GradeFolderAsync(ReferenceProject));

    /// <summary>The bundled half-done example graded on its public tests, once per test run.</summary>
    public static Task<GradeReport> PartialPublicAsync() => partialPublic.Value;

    static readonly Lazy<Task<GradeReport>> partialPublic = new(() => GradeFolderAsync(PartialExample));

    /// <summary>Writes the reference's student files, with the case's files in their place, to <paramref name="destination"/>.</summary>
    public static string Materialize(string caseName, string destination)
    {
        var overlay = Path.Combine(CasesRoot, caseName);
        Assert.That(Directory.Exists(overlay), Is.True, $"no test data at {overlay}");
        CopyStudentFiles(ReferenceProject, destination);
        foreach (var file in Directory.EnumerateFiles(overlay, "*.cs"))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        return destination;
    }

    /// <summary>Copies the manifest's student files (and nothing else) from a project folder.</summary>
    public static string CopyStudentFiles(string from, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in HomeworkManifest.StudentFiles)
            File.Copy(Path.Combine(from, file), Path.Combine(destination, file), overwrite: true);
        return destination;
    }

    /// <summary>The 1-based line of the case's file that holds <paramref name="text"/> (exactly one must).</summary>
    public static int LineOf(string caseName, string file, string text)
    {
        var lines = File.ReadAllLines(Path.Combine(CasesRoot, caseName, file));
        var found = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(text, StringComparison.Ordinal)).ToList();
        Assert.That(found, Has.Count.EqualTo(1), $"'{text}' must be on exactly one line of {caseName}/{file}");
        return found[0] + 1;
    }

    public static Task<GradeReport> GradeCaseAsync(string caseName, string scratch) =>
        GradeFolderAsync(Materialize(caseName, Path.Combine(scratch, caseName)));

    public static Task<GradeReport> GradeFolderAsync(string folder, bool includeHidden = false, RunLimits? limits = null) =>
        GradeAsync(new Submission(SubmissionKind.Folder, folder), includeHidden, limits);

    /// <param name="limits">Null: <see cref="ShortLimits"/>.</param>
    public static Task<GradeReport> GradeAsync(Submission submission, bool includeHidden = false, RunLimits? limits = null) =>
        GradePipeline.GradeAsync(new GradeRequest(Assignment, submission, Layout, includeHidden, Clock: () => GradedAt, Limits: limits ?? ShortLimits));

    /// <summary>The test named "Fixture.Method" (as reports name it).</summary>
    public static TestGrade Test(this GradeReport report, string name)
    {
        var matches = report.Tests.Where(t => t.Name == name).ToList();
        Assert.That(matches, Has.Count.EqualTo(1), () => $"no single test {name} in: {string.Join(", ", report.Tests.Select(t => t.Name))}");
        return matches[0];
    }

    /// <summary>Each test's name with whether it passed, for comparing two gradings test by test.</summary>
    public static IReadOnlyDictionary<string, bool> Outcomes(this GradeReport report, params string[] except) =>
        report.Tests.Where(t => !except.Contains(t.Name)).ToDictionary(t => t.Name, t => t.Passed);

    /// <summary>A one-line-per-test dump, for assertion messages.</summary>
    public static string Describe(this GradeReport report) =>
        $"{report.Status} {report.Summary}\n" + string.Join("\n", report.Tests.Select(t =>
            $"  {(t.Passed ? "PASS" : "FAIL")} {t.Name} {t.Score}/{t.MaxScore}: {t.Message.Split('\n')[0]}"));
}
