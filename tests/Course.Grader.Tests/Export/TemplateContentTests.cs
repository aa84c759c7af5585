using System.Xml.Linq;
using Course.Grader.Authoring;
using Course.Grader.Export;
using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Export;

/// <summary>
/// Given hw3-attention exported: what the student repo holds, file by file, against the course repo it came from.
/// (What it must never hold is in <see cref="TemplateLeakTests"/>; that it builds and grades, in <see cref="StudentRepoRoundTripTests"/>.)
/// </summary>
public class TemplateContentTests
{
    static readonly CourseLayout Course = Hw3Submissions.Layout;
    static readonly AssignmentManifest Manifest = Hw3Submissions.HomeworkManifest;
    TempFolder temp = null!;
    ExportedTemplate template = null!;

    [OneTimeSetUp]
    public void ExportHw3()
    {
        temp = new TempFolder("course-export-");
        template = TemplateExport.Write(Course, Manifest.Id, temp["template"]);
    }

    [OneTimeTearDown]
    public void DeleteExport() => temp.Dispose();

    string Exported(string relative) => Path.Combine(template.Root, relative.Replace('/', Path.DirectorySeparatorChar));

    void AssertCopied(string fromDir, string toRelativeDir)
    {
        var files = ProjectFiles.List(fromDir);
        Assert.That(files, Is.Not.Empty, fromDir);
        foreach (var file in files)
            Assert.That(File.ReadAllBytes(Exported($"{toRelativeDir}/{file}")), Is.EqualTo(File.ReadAllBytes(Path.Combine(fromDir, file))), $"{toRelativeDir}/{file}");
    }

    [Test]
    public void Then_the_root_holds_the_starter_project_and_the_public_tests_with_their_goldens_byte_for_byte()
    {
        var starter = Course.StarterDir(Manifest.Id);

        AssertCopied(starter, ".");
        Assert.That(Manifest.StudentFiles.Select(f => Exported($"{Manifest.Project}/{f}")), Has.All.Matches<string>(File.Exists));
        Assert.That(Directory.EnumerateFiles(Exported($"{Manifest.PublicTests}/golden"), "*.safetensors"), Is.Not.Empty);
    }

    [Test]
    public void Then_the_students_projects_describe_the_students_project_not_the_reference_solution()
    {
        var project = File.ReadAllText(Exported($"{Manifest.Project}/{Manifest.Project}.csproj"));
        var tests = File.ReadAllText(Exported($"{Manifest.PublicTests}/{Path.GetFileName(Manifest.PublicTests)}.csproj"));

        Assert.That(File.ReadAllText(Path.Combine(Course.ReferenceDir(Manifest.Id), Manifest.Project, $"{Manifest.Project}.csproj")),
            Does.Contain("The reference solution"), "the reference keeps its own comment");
        Assert.That(project, Does.Not.Contain("reference solution").And.Not.Contain("course sync"));
        Assert.That(project, Does.Contain($"Your project: implement each part that throws NotImplementedException; the tests in {Manifest.Project}.Tests check them"));
        Assert.That(tests, Does.Not.Contain("against the reference").And.Contain("`dotnet test` runs them against your project"));
    }

    [Test]
    public void Then_README_is_the_handout_followed_by_how_the_repo_is_graded_and_the_command_to_do_it_locally()
    {
        var handout = File.ReadAllText(Path.Combine(Course.AssignmentDir(Manifest.Id), "handout.md")).TrimEnd();
        var readme = File.ReadAllText(Exported("README.md"));

        Assert.That(readme, Does.StartWith(handout));
        Assert.That(readme[handout.Length..], Does.Contain(StudentRepo.GradeCommand(Manifest.Id, Manifest.Project)).And.Contain(StudentRepo.WorkflowPath));
    }

    [Test]
    public void Then_the_course_folder_is_a_course_repo_whose_manifest_loads_and_whose_public_suite_hashes_as_the_instructors()
    {
        var inner = CourseLayout.FindFrom(Exported(".course/starter"));

        Assert.That(inner.Root, Is.EqualTo(Exported(".course")));
        Assert.That(inner.AssignmentIds(), Is.EqualTo(new[] { Manifest.Id }));
        var manifest = inner.LoadManifest(Manifest.Id);
        Assert.That(manifest.StudentFiles, Is.EqualTo(Manifest.StudentFiles));
        Assert.That(TestSuiteHash.Of(new HomeworkSuites(manifest, inner), includeHidden: false),
            Is.EqualTo(TestSuiteHash.Of(new HomeworkSuites(Manifest, Course), includeHidden: false)),
            "the student repo grades with the same manifest, starter and public tests as the instructors' --public-only");
        AssertCopied(Course.StarterDir(Manifest.Id), $".course/starter/{Manifest.Id}");
    }

    [Test]
    public void Then_the_grader_travels_verbatim_student_side_grader_pipeline_worker_and_test_sdk_and_nothing_else_of_the_grader_folder()
    {
        // Not Course.Cli, Course.GitHub or Course.Gradebook: a student's grade never publishes or keeps a gradebook.
        string[] projects = ["Course.Grade", "Course.Grader", "Course.Worker", "Course.Testing"];
        var carried = Directory.EnumerateDirectories(Exported(".course/grader")).Select(Path.GetFileName).ToList();

        Assert.That(carried, Is.EquivalentTo(projects));
        foreach (var project in carried)
            AssertCopied(Path.Combine(Course.Root, "grader", project!), $".course/grader/{project}");
        var exportedGraderFiles = template.Files.Count(f => f.StartsWith(".course/grader/", StringComparison.Ordinal));
        Assert.That(exportedGraderFiles, Is.EqualTo(carried.Sum(p => ProjectFiles.List(Path.Combine(Course.Root, "grader", p!)).Count)), "no file of the grader is added or changed");
    }

    [Test]
    public void Then_the_root_build_files_import_the_course_folders_verbatim_copies_and_the_sdk_pin_and_ignores_are_the_courses()
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            var import = XDocument.Load(Exported(name)).Root!.Elements("Import").Single().Attribute("Project")!.Value;
            Assert.That(import, Is.EqualTo($"$(MSBuildThisFileDirectory).course/{name}"), name);
            Assert.That(File.ReadAllBytes(Exported($".course/{name}")), Is.EqualTo(File.ReadAllBytes(Path.Combine(Course.Root, name))), name);
        }
        AssertCopied(Path.Combine(Course.Root, "build"), ".course/build");
        foreach (var name in new[] { "global.json", ".gitignore", ".editorconfig" })
            Assert.That(File.ReadAllBytes(Exported(name)), Is.EqualTo(File.ReadAllBytes(Path.Combine(Course.Root, name))), name);
    }

    [Test]
    public void Then_dotnet_reads_the_student_solution_with_the_homeworks_projects_and_Course_sln_with_the_graders()
    {
        var student = StudentShell.Run(template.Root, $"dotnet sln {Manifest.Project}.slnx list");
        var grader = StudentShell.Run(template.Root, "dotnet sln .course/Course.sln list");

        Assert.That(student.ExitCode, Is.Zero, student.Describe());
        Assert.That(Listed(student.Output), Is.EquivalentTo(new[] { $"{Manifest.Project}/{Manifest.Project}.csproj", $"{Manifest.PublicTests}/{Manifest.PublicTests}.csproj" }));
        Assert.That(grader.ExitCode, Is.Zero, grader.Describe());
        Assert.That(Listed(grader.Output), Is.EquivalentTo(Directory.EnumerateDirectories(Exported(".course/grader"))
            .Select(d => $"grader/{Path.GetFileName(d)}/{Path.GetFileName(d)}.csproj")));
    }

    static IEnumerable<string> Listed(string output) =>
        output.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.EndsWith(".csproj", StringComparison.Ordinal)).Select(l => l.Replace('\\', '/'));
}
