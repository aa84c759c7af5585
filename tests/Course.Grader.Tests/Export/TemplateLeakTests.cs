using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Course.Grader.Authoring;
using Course.Grader.Export;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Export;

/// <summary>
/// Given hw3-attention exported: nothing students must not see is in it, searched by content as well as by name.
/// The secrets are read from the course repo itself: the reference, the hidden tests and goldens, the examples,
/// and every other homework; a file of theirs that equals a starter file (a project file, a public golden) is no secret.
/// </summary>
public partial class TemplateLeakTests
{
    static readonly CourseLayout Course = Hw3Submissions.Layout;
    static readonly AssignmentManifest Manifest = Hw3Submissions.HomeworkManifest;
    TempFolder temp = null!;
    Dictionary<string, byte[]> exported = null!;

    [OneTimeSetUp]
    public void ExportHw3()
    {
        temp = new TempFolder("course-export-");
        var template = TemplateExport.Write(Course, Manifest.Id, temp["template"]);
        exported = template.Files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(template.Root, f)));
        Assert.That(exported, Is.Not.Empty);
    }

    [OneTimeTearDown]
    public void DeleteExport() => temp.Dispose();

    string HiddenTests => Path.Combine(Course.AssignmentDir(Manifest.Id), Manifest.HiddenTests);

    IEnumerable<string> OtherHomeworks =>
        new[] { CourseLayout.ReferenceFolder, CourseLayout.StarterFolder, CourseLayout.AssignmentsFolder }
            .SelectMany(f => Directory.EnumerateDirectories(Path.Combine(Course.Root, f)).Select(Path.GetFileName).OfType<string>())
            .Where(id => id != Manifest.Id).Distinct();

    /// <summary>Every file of the folders that must not reach students, by course-relative path.</summary>
    Dictionary<string, byte[]> SecretFiles()
    {
        var folders = new List<string> { Course.ReferenceDir(Manifest.Id), HiddenTests, Path.Combine(Course.AssignmentDir(Manifest.Id), "examples") };
        foreach (var other in OtherHomeworks)
            folders.AddRange([Course.ReferenceDir(other), Course.StarterDir(other), Course.AssignmentDir(other)]);
        var starterContents = ProjectFiles.List(Course.StarterDir(Manifest.Id))
            .Select(f => Hash(File.ReadAllBytes(Path.Combine(Course.StarterDir(Manifest.Id), f)))).ToHashSet();
        return folders.Where(Directory.Exists)
            .SelectMany(dir => ProjectFiles.List(dir).Select(f => Path.Combine(dir, f)))
            .ToDictionary(path => Path.GetRelativePath(Course.Root, path), File.ReadAllBytes)
            .Where(f => f.Value.Length > 0 && !starterContents.Contains(Hash(f.Value)))
            .ToDictionary();
    }

    [Test]
    public void Then_the_corpus_of_bugs_and_correct_variants_stays_with_the_instructors()
    {
        var corpus = File.ReadAllBytes(VariantCorpus.PathFor(Course, Manifest.Id));

        Assert.That(exported.Keys, Has.None.EndsWith(VariantCorpus.FileName));
        Assert.That(exported.Values.Select(Hash), Has.None.EqualTo(Hash(corpus)));
    }

    [Test]
    public void Then_no_exported_file_has_the_content_of_a_reference_hidden_test_golden_example_or_other_homework_file()
    {
        var secrets = SecretFiles();
        Assert.That(secrets.Keys, Has.Some.StartWith($"{CourseLayout.ReferenceFolder}/{Manifest.Id}/"), "the search must know the reference's solved files");
        Assert.That(secrets.Keys, Has.Some.EndsWith(".safetensors").And.Some.Contains($"/{Manifest.HiddenTests}/golden/"), "and the hidden goldens");
        var bySecret = secrets.GroupBy(s => Hash(s.Value)).ToDictionary(g => g.Key, g => g.First().Key);

        var leaked = exported.Where(f => bySecret.ContainsKey(Hash(f.Value))).Select(f => $"{f.Key} = {bySecret[Hash(f.Value)]}").ToList();

        Assert.That(leaked, Is.Empty);
    }

    [Test]
    public void Then_no_exported_path_names_a_hidden_test_file_an_example_or_another_homework()
    {
        var hiddenNames = ProjectFiles.List(HiddenTests).Select(Path.GetFileName).ToHashSet();
        Assert.That(hiddenNames, Is.Not.Empty);

        Assert.That(exported.Keys.Where(p => hiddenNames.Contains(Path.GetFileName(p))), Is.Empty);
        Assert.That(exported.Keys.Where(p => p.Split('/').Contains("examples")), Is.Empty);
        Assert.That(exported.Keys.Where(p => OtherHomeworks.Any(other => p.Contains(other, StringComparison.Ordinal))), Is.Empty);
    }

    [Test]
    public void Then_no_exported_file_names_a_hidden_test_class()
    {
        var classes = ProjectFiles.List(HiddenTests).Where(f => f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => ClassName().Matches(File.ReadAllText(Path.Combine(HiddenTests, f))).Select(m => m.Groups[1].Value))
            .ToList();
        Assert.That(classes, Is.Not.Empty);

        var found = classes.SelectMany(c => exported.Where(f => Text(f.Value).Contains(c, StringComparison.Ordinal)).Select(f => $"{c} in {f.Key}")).ToList();

        Assert.That(found, Is.Empty);
    }

    [Test]
    public void Then_no_exported_file_holds_a_line_of_the_references_solution_regions()
    {
        var lines = SolutionLines();
        Assert.That(lines, Has.Count.GreaterThan(10), "the search must know the solution's lines");

        var found = lines.SelectMany(line => exported.Where(f => Text(f.Value).Contains(line, StringComparison.Ordinal)).Select(f => $"'{line}' in {f.Key}")).ToList();

        Assert.That(found, Is.Empty);
    }

    [Test]
    public void Then_solution_markers_appear_only_in_the_graders_own_source_and_that_is_the_courses_verbatim()
    {
        var outsideGrader = exported.Where(f => !f.Key.StartsWith(".course/grader/", StringComparison.Ordinal)
            && Text(f.Value).Contains(SolutionMarker.BeginText, StringComparison.Ordinal)).Select(f => f.Key);
        var changedGraderFiles = exported.Where(f => f.Key.StartsWith(".course/grader/", StringComparison.Ordinal)
            && !File.ReadAllBytes(Path.Combine(Course.Root, f.Key[".course/".Length..])).AsSpan().SequenceEqual(f.Value)).Select(f => f.Key);

        Assert.That(outsideGrader, Is.Empty);
        Assert.That(changedGraderFiles, Is.Empty);
    }

    /// <summary>The reference's lines between solution markers that the starter does not have (long enough not to be generic).</summary>
    static HashSet<string> SolutionLines()
    {
        var starterLines = ProjectFiles.List(Course.StarterDir(Manifest.Id)).Where(f => f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(Path.Combine(Course.StarterDir(Manifest.Id), f))).Select(l => l.Trim()).ToHashSet();
        var lines = new HashSet<string>(StringComparer.Ordinal);
        var reference = Course.ReferenceDir(Manifest.Id);
        foreach (var file in ProjectFiles.List(reference).Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var inside = false;
            foreach (var line in File.ReadAllLines(Path.Combine(reference, file)).Select(l => l.Trim()))
            {
                if (line.StartsWith("// " + SolutionMarker.BeginText, StringComparison.Ordinal)) inside = true;
                else if (line.StartsWith("// " + SolutionMarker.EndText, StringComparison.Ordinal)) inside = false;
                else if (inside && line.Length >= 20 && !starterLines.Contains(line)) lines.Add(line);
            }
        }
        return lines;
    }

    static string Hash(byte[] content) => Convert.ToHexString(SHA256.HashData(content));

    static string Text(byte[] content) => Encoding.UTF8.GetString(content);

    [GeneratedRegex(@"\bclass\s+(\w+)")]
    private static partial Regex ClassName();
}
