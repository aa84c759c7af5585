using System.Diagnostics;
using Course.Grader.Authoring;
using Course.Grader.Manifest;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Authoring;

/// <summary>
/// `course new`, as a new TA uses it: in a copy of the course repo (its build settings and grader, none of its
/// homeworks), scaffold a homework, validate it and export it, all in under 2 minutes of commands.
/// </summary>
[NonParallelizable]
public class NewCommandTests
{
    const string Id = "hw10-example";
    const string Project = "Hw10.Example";

    /// <summary>A course repo without homeworks: what `new`, `validate` and `export` read besides the homework.</summary>
    static string CopyOfCourseWithoutHomeworks()
    {
        var from = Hw3Submissions.Layout.Root;
        var to = Directory.CreateTempSubdirectory("course-new-").FullName;
        foreach (var file in new[] { "Course.sln", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", ".editorconfig", ".gitignore" })
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        foreach (var folder in new[] { "build", "grader" })
        {
            foreach (var file in ProjectFiles.List(Path.Combine(from, folder)))
            {
                var target = Path.Combine(to, folder, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(from, folder, file), target);
            }
        }
        return to;
    }

    [Test]
    public void Given_a_copy_of_the_course_When_a_TA_runs_new_then_validate_then_export_Then_each_passes_within_2_minutes_and_the_template_holds_the_starter_and_public_tests_only()
    {
        var root = CopyOfCourseWithoutHomeworks();
        var template = Path.Combine(root, "..", Path.GetFileName(root) + "-template");
        try
        {
            var clock = Stopwatch.StartNew();
            var (newCode, newOutput) = CourseCli.RunAsGiven(["new", Id, "--title", "An example", "--project", Project, "--root", root]);
            Assert.That(newCode, Is.EqualTo(0), newOutput);
            var afterNew = clock.Elapsed;
            var (validateCode, validateOutput) = CourseCli.RunAsGiven(["validate", Id, "--root", root]);
            Assert.That(validateCode, Is.EqualTo(0), validateOutput);
            var afterValidate = clock.Elapsed;
            var (exportCode, exportOutput) = CourseCli.RunAsGiven(["export", Id, "--out", template, "--root", root]);
            Assert.That(exportCode, Is.EqualTo(0), exportOutput);
            clock.Stop();
            TestContext.Out.WriteLine($"new {afterNew.TotalSeconds:0.0} s, validate {(afterValidate - afterNew).TotalSeconds:0.0} s, " +
                $"export {(clock.Elapsed - afterValidate).TotalSeconds:0.0} s, in all {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromMinutes(2)), "from `course new` to an exported homework");
            // What the suite asks of every homework in the repo besides validate: its bundled half-done submission earns partial credit.
            var (gradeCode, gradeOutput) = CourseCli.RunAsGiven(["grade", Id, "--root", root]);
            Assert.That(gradeCode, Is.EqualTo(0), gradeOutput);
            Assert.That(gradeOutput, Does.Contain("Score: 80/100"));

            Assert.That(validateOutput, Does.Match(@"reference gets full marks\s+│\s+100/100\s+│\s+ok"));
            Assert.That(validateOutput, Does.Match(@"reference holds under float noise\s+│\s+100/100\s+│\s+ok"));
            Assert.That(validateOutput, Does.Match(@"starter gets zero\s+│\s+0/100\s+│\s+ok"));
            Assert.That(validateOutput, Does.Match(@"│ stub .*│ guarded by \d+ test\(s\)"));
            Assert.That(validateOutput, Does.Match(@"│ correct scale-by-mul .*│ keeps every point"));
            Assert.That(System.Text.RegularExpressions.Regex.Matches(validateOutput, @"│ correct .*│ keeps every point"), Has.Count.EqualTo(4),
                "as many correct variants as the suite asks of every homework");
            Assert.That(validateOutput, Does.Match(@"│ bug scale-in-place .*│ caught by 1 test\(s\)"));
            Assert.That(validateOutput.TrimEnd(), Does.EndWith("validate: the tests are fair"));

            var solution = File.ReadAllText(Path.Combine(root, "Course.sln"));
            foreach (var project in new[] { $@"reference\{Id}\{Project}\{Project}.csproj", $@"reference\{Id}\{Project}.Tests\{Project}.Tests.csproj",
                         $@"assignments\{Id}\tests\{Project}.HiddenTests.csproj", $@"starter\{Id}\{Project}\{Project}.csproj" })
                Assert.That(solution, Does.Contain($"\"{project}\""), "Course.sln lists every project of the homework, so `dotnet test Course.sln` runs them");

            var exported = Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(template, f).Replace('\\', '/'), File.ReadAllText);
            var studentFile = exported[$"{Project}/Functions.cs"];
            Assert.That(studentFile, Does.Contain("throw new NotImplementedException(\"Functions.Scale: multiply x by factor"));
            Assert.That(exported.Keys, Does.Contain($"{Project}.Tests/ScaleTests.cs").And.Contain($"{Project}.Tests/{Project}.Tests.csproj"));
            Assert.That(exported["README.md"], Does.StartWith("# Homework 10: An example"));
            Assert.That(exported[$"{Project}/{Project}.csproj"], Does.Contain("Your project:").And.Not.Contain("reference solution"));
            // The grader's own sources travel too, and `course new`'s templates in them hold the example's text, not this homework's.
            Assert.That(exported.Keys.Where(p => p.StartsWith(".course/grader/", StringComparison.Ordinal)), Is.Not.Empty);
            foreach (var (path, text) in exported.Where(f => !f.Key.StartsWith(".course/grader/", StringComparison.Ordinal)))
            {
                Assert.That(text, Does.Not.Contain("return x * factor").And.Not.Contain("BEGIN SOLUTION"), $"{path} holds the solution");
                Assert.That(text, Does.Not.Contain("HiddenScaleTests").And.Not.Contain("Scale_WorksForZeroAndNegativeFactors"), $"{path} names a hidden test");
                Assert.That(text, Does.Not.Contain("scale-in-place"), $"{path} holds the fairness corpus");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
            if (Directory.Exists(template)) Directory.Delete(template, recursive: true);
        }
    }

    [Test]
    public void Given_an_existing_homework_When_new_is_run_with_its_id_Then_it_exits_2_and_writes_nothing()
    {
        using var repo = new TempCourseRepo().Write($"reference/{Id}/{Project}/Functions.cs", "// the TA's work\n");

        var (exitCode, output) = CourseCli.RunAsGiven(["new", Id, "--title", "Again", "--project", "Hw11.Other", "--root", repo.Root]);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain($"homework '{Id}' exists: reference/{Id}/ is already there"));
        Assert.That(repo.Read($"reference/{Id}/{Project}/Functions.cs"), Is.EqualTo("// the TA's work\n"));
        Assert.That(Directory.Exists(repo.PathOf($"assignments/{Id}")) || Directory.Exists(repo.PathOf($"starter/{Id}")), Is.False);
    }

    [Test]
    public void Given_a_project_name_the_solution_holds_When_new_is_run_Then_it_exits_2()
    {
        using var repo = new TempCourseRepo().Write("Course.sln",
            "Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Hw10.Example.Tests\", \"reference\\hw9-x\\Hw10.Example.Tests\\Hw10.Example.Tests.csproj\", \"{45BC7DE6-196C-42BA-A061-D4356FAA35DC}\"\nEndProject\n");

        var (exitCode, output) = CourseCli.RunAsGiven(["new", Id, "--title", "An example", "--project", Project, "--root", repo.Root]);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("project 'Hw10.Example.Tests' exists in Course.sln"));
        Assert.That(Directory.Exists(repo.PathOf("reference")), Is.False);
    }

    [TestCase("Hw10-Example", Project, "is not a homework id")]
    [TestCase("hw10_example", Project, "is not a homework id")]
    [TestCase("hw10--example", Project, "is not a homework id")]
    [TestCase("10-example", Project, "is not a homework id")]
    [TestCase(Id, "Hw10-Example", "is not a project name")]
    [TestCase(Id, "Hw10..Example", "is not a project name")]
    [TestCase(Id, "Hw10.class", "is not a project name")]
    [TestCase(Id, "Hw10.Example.Tests", "is a test project's name")]
    public void Given_a_malformed_id_or_project_When_new_is_run_Then_it_exits_2_saying_why(string id, string project, string why)
    {
        using var repo = new TempCourseRepo();

        var (exitCode, output) = CourseCli.RunAsGiven(["new", id, "--title", "An example", "--project", project, "--root", repo.Root]);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain(why));
        Assert.That(Directory.EnumerateFileSystemEntries(repo.Root).Select(Path.GetFileName), Is.EqualTo(new[] { CourseLayout.SolutionFileName }));
    }

    [Test]
    public void Given_a_title_with_yaml_and_xml_syntax_When_the_files_are_made_Then_the_manifest_reads_it_back_and_every_project_file_is_xml()
    {
        const string title = "Attention: \"why\" -- #1 {at} 'last'";

        var files = NewHomeworkFiles.For(Id, Project, title);

        var manifest = ManifestReader.Read(files[$"assignments/{Id}/assignment.yaml"], "assignment.yaml", Id);
        Assert.That(manifest.Title, Is.EqualTo(title));
        Assert.That(manifest.StudentFiles, Is.EqualTo(new[] { NewHomeworkFiles.StudentFile }));
        Assert.That(manifest.Limits, Is.EqualTo(AssignmentLimits.Default), "the manifest shows the defaults");
        foreach (var (path, text) in files.Where(f => f.Key.EndsWith(".csproj", StringComparison.Ordinal)))
            Assert.DoesNotThrow(() => System.Xml.Linq.XDocument.Parse(text), path);
        Assert.That(files[$"assignments/{Id}/handout.md"], Does.StartWith($"# Homework 10: {title}\n"));
    }

    [Test]
    public void Given_no_title_When_new_is_run_Then_it_exits_2()
    {
        using var repo = new TempCourseRepo();

        var (exitCode, output) = CourseCli.RunAsGiven(["new", Id, "--project", Project, "--root", repo.Root]);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("--title is required"));
    }
}
