using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Run;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Adversarial;

/// <summary>
/// Submissions that attack the grader, made from a homework's reference: its student files, with the attack's code
/// added to the first of them, as a student would. Graded as instructors grade (hidden tests included) under short
/// limits and a hard wall-clock bound, so a grader that hangs fails the test instead of the run.
/// </summary>
static class AttackSubmissions
{
    public static readonly CourseLayout Layout = CourseLayout.FindFrom(AppContext.BaseDirectory);

    /// <summary>The homeworks with a reference and a manifest.</summary>
    public static IEnumerable<string> Homeworks() => Layout.HomeworkIds().Intersect(Layout.AssignmentIds());

    static readonly RunLimits ShortLimits = new(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(5), MemoryMb: 2048);

    /// <summary>No grade of an attack may take longer: past it the grader is taken to hang.</summary>
    public static readonly TimeSpan GradeBound = TimeSpan.FromMinutes(4);

    /// <summary>Writes the reference's student files to <paramref name="folder"/>, with <paramref name="attack"/> after the first file's code.</summary>
    /// <returns>The first student file, which holds the attack.</returns>
    public static string Write(string homework, string folder, string attack)
    {
        var manifest = Layout.LoadManifest(homework);
        var project = Path.Combine(Layout.ReferenceDir(homework), manifest.Project);
        Directory.CreateDirectory(folder);
        foreach (var file in manifest.StudentFiles)
        {
            var target = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(project, file), target, overwrite: true);
        }
        var host = manifest.StudentFiles[0];
        // Every homework file has a file-scoped namespace, so the attack's types land in the homework's namespace.
        File.AppendAllText(Path.Combine(folder, host), "\n" + attack + "\n");
        return host;
    }

    /// <summary>Replaces <paramref name="text"/>, which must be there, in a student file that <see cref="Write"/> wrote to <paramref name="folder"/>.</summary>
    public static void Replace(string folder, string file, string text, string with)
    {
        var path = Path.Combine(folder, file);
        var before = File.ReadAllText(path);
        Assert.That(before, Does.Contain(text), $"{file} of the reference");
        File.WriteAllText(path, before.Replace(text, with, StringComparison.Ordinal));
    }

    /// <param name="includeHidden">False: as a student's own run grades it, on the public tests and their shipped goldens.</param>
    public static Task<GradeReport> GradeAsync(string homework, string folder, TimeSpan? compileTimeout = null, bool includeHidden = true) =>
        GradePipeline.GradeAsync(new GradeRequest(homework, new Submission(SubmissionKind.Folder, folder), Layout, IncludeHidden: includeHidden,
                Clock: () => Hw3Submissions.GradedAt, Limits: ShortLimits, CompileTimeout: compileTimeout))
            .WaitAsync(GradeBound);

    /// <summary>Every test the grader lists for the homework, public and hidden: what each attack's report must still show.</summary>
    public static IReadOnlyList<string> ListedTests(string homework)
    {
        var suites = new HomeworkSuites(Layout.LoadManifest(homework), Layout);
        return TrustedTests.For(suites, includeHidden: true, TestSuiteHash.Of(suites, includeHidden: true), WorkerLocation.Default())
            .SelectMany(s => s.Tests).Select(t => t.FullName).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The line of <paramref name="file"/> in <paramref name="folder"/> that holds <paramref name="text"/> (exactly one must).</summary>
    public static int LineOf(string folder, string file, string text)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, file));
        var found = Enumerable.Range(0, lines.Length).Where(i => lines[i].Contains(text, StringComparison.Ordinal)).ToList();
        Assert.That(found, Has.Count.EqualTo(1), $"'{text}' must be on exactly one line of {file}");
        return found[0] + 1;
    }

    /// <summary>Processes whose command line holds <paramref name="marker"/>: any such is a process an attack left behind.</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(marker, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
