using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Course.Grader.Authoring;
using Course.Grader.Compile;
using Course.Grader.Export;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Export;

/// <summary>
/// Given a homework exported: nothing students must not see is in it, searched by content as well as by name. The secrets
/// are read from the course repo itself: the reference, the hidden tests and goldens, the examples, every other homework
/// (the lines of their solutions too), and the given libraries in models/ that the homework's starter does not reference;
/// a file of theirs that equals a starter file (a project file, a public golden) is no secret. hw3 and hw4 reference no
/// given library, hw5 references the hooked model of models/Course.Lens, which is a working transformer: it must reach
/// hw5's template, and never hw4's. hw8 references it for its attention-only model with induction heads, and hw9 for the
/// tiny GPT it aligns (with its own given sampler, which must not be hw4's generation solution).
/// </summary>
[TestFixture("hw3-attention")]
[TestFixture("hw4-transformer")]
[TestFixture("hw5-probes")]
[TestFixture("hw6-patching")]
[TestFixture("hw7-sae")]
[TestFixture("hw8-circuits")]
[TestFixture("hw9-alignment")]
public partial class TemplateLeakTests(string assignment)
{
    static readonly CourseLayout Course = Hw3Submissions.Layout;
    readonly AssignmentManifest Manifest = Course.LoadManifest(assignment);
    TempFolder temp = null!;
    Dictionary<string, byte[]> exported = null!;
    /// <summary>Each exported file's text, decoded once: the searches below look for hundreds of lines in every file.</summary>
    Dictionary<string, string> exportedText = null!;

    /// <summary>What names the hooked model the later homeworks study, or its hooks: never in a template that does not reference it.</summary>
    static readonly string[] GivenModelWords = ["Course.Lens", "hook_resid_pre", "HookPoint"];

    [OneTimeSetUp]
    public void ExportHomework()
    {
        temp = new TempFolder("course-export-");
        var template = TemplateExport.Write(Course, Manifest.Id, temp["template"]);
        exported = template.Files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(template.Root, f)));
        exportedText = exported.ToDictionary(f => f.Key, f => Text(f.Value));
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
        var folders = new List<string>
        {
            Course.ReferenceDir(Manifest.Id), HiddenTests, Path.Combine(Course.AssignmentDir(Manifest.Id), "examples"), Course.PublicGoldenReplaysDir(Manifest.Id),
        };
        foreach (var other in OtherHomeworks)
            folders.AddRange([Course.ReferenceDir(other), Course.StarterDir(other), Course.AssignmentDir(other)]);
        folders.AddRange(GivenLibrariesNotReferenced());
        var starterContents = ProjectFiles.List(Course.StarterDir(Manifest.Id))
            .Select(f => Hash(File.ReadAllBytes(Path.Combine(Course.StarterDir(Manifest.Id), f)))).ToHashSet();
        return folders.Where(Directory.Exists)
            .SelectMany(dir => ProjectFiles.List(dir).Select(f => Path.Combine(dir, f)))
            .ToDictionary(path => Path.GetRelativePath(Course.Root, path), File.ReadAllBytes)
            .Where(f => f.Value.Length > 0 && !starterContents.Contains(Hash(f.Value)))
            .ToDictionary();
    }

    /// <summary>The folders under models/ that this homework's starter references.</summary>
    HashSet<string> GivenLibrariesReferenced() =>
        GivenLibraries.Find(Course, Path.Combine(Course.StarterDir(Manifest.Id), Manifest.Project, Manifest.Project + ".csproj")).Select(p => p.Folder).ToHashSet();

    /// <summary>The folders under models/ that this homework's starter does not reference.</summary>
    IEnumerable<string> GivenLibrariesNotReferenced() =>
        Directory.Exists(Course.ModelsDir) ? Directory.EnumerateDirectories(Course.ModelsDir).Where(d => !GivenLibrariesReferenced().Contains(d)) : [];

    [Test]
    public void Then_it_carries_exactly_the_given_libraries_its_starter_references_verbatim()
    {
        var expected = GivenLibrariesReferenced()
            .SelectMany(dir => ProjectFiles.List(dir).Select(f => $".course/{Path.GetRelativePath(Course.Root, Path.Combine(dir, f)).Replace('\\', '/')}"))
            .Order(StringComparer.Ordinal).ToList();

        var carried = exported.Keys.Where(p => p.Split('/').Contains(CourseLayout.ModelsFolder)).Order(StringComparer.Ordinal).ToList();

        Assert.That(carried, Is.EqualTo(expected));
        Assert.That(carried.Where(p => !File.ReadAllBytes(Path.Combine(Course.Root, p[".course/".Length..])).AsSpan().SequenceEqual(exported[p])), Is.Empty,
            "a given library travels as the course has it");
        if (expected.Count == 0) Assert.That(exportedText[".course/Course.sln"], Does.Not.Contain(CourseLayout.ModelsFolder + "\\"));
    }

    [Test]
    public void Then_no_exported_file_names_the_given_model_or_its_hooks_unless_the_homework_studies_it()
    {
        var studiesIt = GivenLibrariesReferenced().Any(dir => Path.GetFileName(dir) == "Course.Lens");

        var found = GivenModelWords.SelectMany(word => exportedText.Where(f => f.Value.Contains(word, StringComparison.Ordinal)).Select(f => $"{word} in {f.Key}")).ToList();

        Assert.That(found, studiesIt ? Is.Not.Empty : Is.Empty);
    }

    [Test]
    public void Then_no_exported_file_holds_a_line_of_another_homeworks_solution_regions()
    {
        var others = OtherHomeworks.Where(id => Directory.Exists(Course.ReferenceDir(id))).ToList();
        var ownStarter = string.Join('\n', ProjectFiles.List(Course.StarterDir(Manifest.Id)).Select(f => File.ReadAllText(Path.Combine(Course.StarterDir(Manifest.Id), f))));
        // A line this homework's own starter shows (e.g. quoted in a stub's hint) is public here whoever else solves with it.
        var lines = others.SelectMany(SolutionLines).Where(line => !ownStarter.Contains(line, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.That(lines, Has.Count.GreaterThan(10 * others.Count), "the search must know the other homeworks' solution lines");

        var found = lines.SelectMany(line => exportedText.Where(f => f.Value.Contains(line, StringComparison.Ordinal)).Select(f => $"'{line}' in {f.Key}")).ToList();

        Assert.That(found, Is.Empty);
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

        var found = classes.SelectMany(c => exportedText.Where(f => f.Value.Contains(c, StringComparison.Ordinal)).Select(f => $"{c} in {f.Key}")).ToList();

        Assert.That(found, Is.Empty);
    }

    [Test]
    public void Then_no_exported_file_holds_a_line_of_the_references_solution_regions()
    {
        var lines = SolutionLines(Manifest.Id);
        Assert.That(lines, Has.Count.GreaterThan(10), "the search must know the solution's lines");

        var found = lines.SelectMany(line => exportedText.Where(f => f.Value.Contains(line, StringComparison.Ordinal)).Select(f => $"'{line}' in {f.Key}")).ToList();

        Assert.That(found, Is.Empty);
    }

    [Test]
    public void Then_solution_markers_appear_only_in_the_graders_own_source_and_that_is_the_courses_verbatim()
    {
        var outsideGrader = exportedText.Where(f => !f.Key.StartsWith(".course/grader/", StringComparison.Ordinal)
            && f.Value.Contains(SolutionMarker.BeginText, StringComparison.Ordinal)).Select(f => f.Key);
        var changedGraderFiles = exported.Where(f => f.Key.StartsWith(".course/grader/", StringComparison.Ordinal)
            && !File.ReadAllBytes(Path.Combine(Course.Root, f.Key[".course/".Length..])).AsSpan().SequenceEqual(f.Value)).Select(f => f.Key);

        Assert.That(outsideGrader, Is.Empty);
        Assert.That(changedGraderFiles, Is.Empty);
    }

    /// <summary>
    /// A homework reference's lines between solution markers (long enough not to be generic) that are not public anyway:
    /// not in its starter (as a line, or quoted in a stub's hint) and not in the grader's source, which every template
    /// carries verbatim.
    /// </summary>
    static HashSet<string> SolutionLines(string id)
    {
        var starterText = CSharp(Course.StarterDir(id));
        var graderText = GraderText.Value;
        var lines = new HashSet<string>(StringComparer.Ordinal);
        var reference = Course.ReferenceDir(id);
        foreach (var file in ProjectFiles.List(reference).Where(f => f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var inside = false;
            foreach (var line in File.ReadAllLines(Path.Combine(reference, file)).Select(l => l.Trim()))
            {
                if (line.StartsWith("// " + SolutionMarker.BeginText, StringComparison.Ordinal)) inside = true;
                else if (line.StartsWith("// " + SolutionMarker.EndText, StringComparison.Ordinal)) inside = false;
                else if (inside && line.Length >= 20 && !starterText.Contains(line, StringComparison.Ordinal) && !graderText.Contains(line, StringComparison.Ordinal))
                    lines.Add(line);
            }
        }
        return lines;
    }

    /// <summary>The C# sources under a folder, joined.</summary>
    static string CSharp(string folder) => string.Join('\n', ProjectFiles.List(folder).Where(f => f.EndsWith(".cs", StringComparison.Ordinal))
        .Select(f => File.ReadAllText(Path.Combine(folder, f))));

    /// <summary>The grader's own C# sources, read once for every homework's solution lines.</summary>
    static readonly Lazy<string> GraderText = new(() => CSharp(Path.Combine(Course.Root, GraderProjects.GraderFolder)));

    static string Hash(byte[] content) => Convert.ToHexString(SHA256.HashData(content));

    static string Text(byte[] content) => Encoding.UTF8.GetString(content);

    [GeneratedRegex(@"\bclass\s+(\w+)")]
    private static partial Regex ClassName();
}
