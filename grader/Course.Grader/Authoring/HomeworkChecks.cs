using System.Text.RegularExpressions;
using Course.Grader.Export;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Authoring;

/// <summary>
/// What <c>course validate</c> checks of a homework's files, besides grading it: the mistakes that no grade shows.
/// A test without points counts for nothing; a project missing from <c>Course.sln</c> is never built or run by CI's
/// <c>dotnet test</c>; a homework without a handout cannot be exported; a hidden test that asks to be visible is still
/// hidden (by where it lives), so its attribute misleads; and a public test the student repository would not get
/// (the export leaves it out, or the template's <c>.gitignore</c> keeps it out of the student's pushes) is graded
/// but never seen; and a public golden that a grade would replay as shipped.
/// </summary>
public static partial class HomeworkChecks
{
    public const string HandoutFileName = "handout.md";

    /// <param name="tests">The trusted test list, public and hidden (<c>TrustedTests</c>).</param>
    /// <returns>One line per problem, each saying how to mend it; empty when there is none.</returns>
    public static IReadOnlyList<string> Problems(CourseLayout layout, AssignmentManifest manifest, IReadOnlyList<TestCaseSpec> tests)
    {
        var problems = new List<string>();
        problems.AddRange(WithoutPoints(manifest, tests));
        problems.AddRange(HiddenAskingToBeVisible(manifest, tests));
        problems.AddRange(MissingFromSolution(layout, manifest));
        problems.AddRange(PublicGoldensWithoutReplay(layout, manifest));
        var handout = Handout(layout, manifest);
        problems.AddRange(handout);
        if (handout.Count == 0) problems.AddRange(NotShipped(layout, manifest));
        return problems;
    }

    static IEnumerable<string> WithoutPoints(AssignmentManifest manifest, IReadOnlyList<TestCaseSpec> tests) =>
        tests.Where(t => !ScoreStage.HasPoints(t, manifest)).Select(t => t.ParameterizedMethod ?? t.FullName).Distinct(StringComparer.Ordinal)
            .Select(name => $"{name} has no points: give it [Points(n)] (on the test or its fixture) or a `tests:` entry in {AssignmentManifest.FileName}; " +
                "a test without points counts for nothing, so no grade can show that it guards anything");

    static IEnumerable<string> HiddenAskingToBeVisible(AssignmentManifest manifest, IReadOnlyList<TestCaseSpec> tests) =>
        tests.Where(t => t.InHiddenSuite && ScoreStage.DeclaredVisibility(t, manifest) == TestVisibility.Visible)
            .Select(t => t.ParameterizedMethod ?? t.FullName).Distinct(StringComparer.Ordinal)
            .Select(name => $"{name} is in the hidden tests ({CourseLayout.AssignmentsFolder}/{manifest.Id}/{manifest.HiddenTests}) but asks to be visible; " +
                "hidden tests are hidden by where they live: say Visibility.AfterDueDate to show it after the due date, or move it to the public tests");

    /// <summary>
    /// Every public golden needs its hidden replay (<see cref="CourseLayout.PublicGoldenReplaysDir"/>), recorded on other
    /// inputs, and every replay a public golden: without one, a grade replays the shipped golden, whose inputs and outputs
    /// every student has.
    /// </summary>
    static IEnumerable<string> PublicGoldensWithoutReplay(CourseLayout layout, AssignmentManifest manifest)
    {
        var shipped = Path.Combine(layout.StarterDir(manifest.Id), manifest.PublicTests, "golden");
        var replays = layout.PublicGoldenReplaysDir(manifest.Id);
        var where = $"{CourseLayout.AssignmentsFolder}/{manifest.Id}/{CourseLayout.PublicGoldenReplaysFolder}";
        var record = $"record them with COURSE_GOLDEN=record COURSE_GOLDEN_SALT=1 COURSE_GOLDEN_DIR=$PWD/{where} dotnet test {CourseLayout.ReferenceFolder}/{manifest.Id}/{manifest.PublicTests}";
        var shippedFiles = ProjectFiles.List(shipped);
        foreach (var file in shippedFiles)
        {
            var replay = Path.Combine(replays, file);
            if (!File.Exists(replay))
                yield return $"the public golden {file} has no hidden replay in {where}, so a grade replays the one every student has, inputs and outputs: {record}";
            else if (Tensors(File.ReadAllBytes(replay)).SequenceEqual(Tensors(File.ReadAllBytes(Path.Combine(shipped, file)))))
                yield return $"the hidden replay {where}/{file} holds the shipped golden's tensors byte for byte: its test makes its inputs without a Seeded, " +
                    "whose seed COURSE_GOLDEN_SALT changes while recording; draw them from one (or keep that test's checks in the hidden tests)";
        }
        foreach (var file in ProjectFiles.List(replays).Except(shippedFiles, StringComparer.Ordinal))
            yield return $"{where}/{file} replays no public golden (the public tests have no golden/{file}): delete it, or {record}";
    }

    /// <summary>A safetensors file's tensor bytes, after its length and JSON header (whose metadata tells a replay); the whole file if it is not one.</summary>
    static ReadOnlySpan<byte> Tensors(byte[] file) =>
        file.Length >= 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(file) is var header && header <= (ulong)file.Length - 8
            ? file.AsSpan(8 + (int)header)
            : file;

    /// <summary>
    /// Every project of the homework must be in Course.sln: the reference's projects, the hidden tests and anything else
    /// under assignments/&lt;id&gt;, and the starter's projects except its public tests, which fail against the stubs.
    /// </summary>
    static IEnumerable<string> MissingFromSolution(CourseLayout layout, AssignmentManifest manifest)
    {
        var solution = Path.Combine(layout.Root, CourseLayout.SolutionFileName);
        var listed = SolutionProjects(solution).ToHashSet(StringComparer.Ordinal);
        var starterTests = Path.Combine(layout.StarterDir(manifest.Id), manifest.PublicTests) + Path.DirectorySeparatorChar;
        var projects = new[] { layout.ReferenceDir(manifest.Id), layout.AssignmentDir(manifest.Id), layout.StarterDir(manifest.Id) }
            .SelectMany(folder => ProjectFiles.List(folder).Where(f => f.EndsWith(".csproj", StringComparison.Ordinal)).Select(f => Path.GetFullPath(Path.Combine(folder, f))))
            .Where(p => !p.StartsWith(starterTests, StringComparison.Ordinal));
        foreach (var project in projects.Where(p => !listed.Contains(p)))
        {
            var relative = Path.GetRelativePath(layout.Root, project).Replace('\\', '/');
            yield return $"{relative} is not in {CourseLayout.SolutionFileName}, so CI's `dotnet test {CourseLayout.SolutionFileName}` never builds or runs it: " +
                $"dotnet sln {CourseLayout.SolutionFileName} add {relative}";
        }
    }

    /// <summary>The full paths of the projects a .sln names.</summary>
    static IEnumerable<string> SolutionProjects(string solution)
    {
        if (!File.Exists(solution)) yield break;
        var folder = Path.GetDirectoryName(solution)!;
        foreach (Match match in SolutionProject().Matches(File.ReadAllText(solution)))
            yield return Path.GetFullPath(Path.Combine(folder, match.Groups[1].Value.Replace('\\', Path.DirectorySeparatorChar)));
    }

    [GeneratedRegex("""^Project\("[^"]*"\)\s*=\s*"[^"]*"\s*,\s*"([^"]+\.csproj)"\s*,""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();

    static List<string> Handout(CourseLayout layout, AssignmentManifest manifest)
    {
        var path = Path.Combine(layout.AssignmentDir(manifest.Id), HandoutFileName);
        return File.Exists(path) && !string.IsNullOrWhiteSpace(File.ReadAllText(path))
            ? []
            : [$"{CourseLayout.AssignmentsFolder}/{manifest.Id}/{HandoutFileName} is missing or empty: it is the exported repository's README, what students read first"];
    }

    /// <summary>Every public test file (sources and goldens) must be in the export, and in what `git add` takes of it.</summary>
    static IEnumerable<string> NotShipped(CourseLayout layout, AssignmentManifest manifest)
    {
        IReadOnlyList<TemplateFile> plan;
        try
        {
            plan = TemplateExport.Plan(layout, manifest);
        }
        catch (ExportException e)
        {
            return [$"`course export {manifest.Id}` fails: {e.Message}"];
        }
        var planned = plan.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var publicTests = ProjectFiles.List(Path.Combine(layout.StarterDir(manifest.Id), manifest.PublicTests)).Select(f => $"{manifest.PublicTests}/{f}").ToList();
        var problems = publicTests.Where(f => !planned.Contains(f))
            .Select(f => $"the public test file {f} is graded but `course export` leaves it out of the students' repository").ToList();
        try
        {
            foreach (var (path, rule) in TemplateIgnores.Ignored(plan))
                problems.Add(publicTests.Contains(path)
                    ? $"the public test file {path} is graded, but the students' repository would not keep it: its .gitignore ignores it ({rule}); rename it or move it out of that folder"
                    : $"the exported file {path} would not reach students' pushes: the template's .gitignore ignores it ({rule})");
        }
        catch (InvalidOperationException e)
        {
            problems.Add($"could not check the export against its .gitignore: {e.Message}");
        }
        return problems;
    }
}
