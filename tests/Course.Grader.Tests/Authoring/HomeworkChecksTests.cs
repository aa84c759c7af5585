using Course.Grader.Authoring;
using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Run;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Authoring;

/// <summary>
/// The checks `course validate` makes of a homework's files (<see cref="HomeworkChecks"/>), each on a throwaway course
/// (<see cref="GivenLibraryCourse"/>) with one mistake made in it, and on every homework of this repository.
/// </summary>
public class HomeworkChecksTests
{
    const string Id = GivenLibraryCourse.WithoutLibrary;

    static IReadOnlyList<string> Problems(CourseLayout layout, string id)
    {
        var manifest = layout.LoadManifest(id);
        var suites = new HomeworkSuites(manifest, layout);
        var tests = TrustedTests.For(suites, includeHidden: true, TestSuiteHash.Of(suites, includeHidden: true), WorkerLocation.Default());
        return HomeworkChecks.Problems(layout, manifest, [.. tests.SelectMany(s => s.Tests)]);
    }

    [Test]
    public void Given_every_homework_of_this_repository_Then_its_files_have_no_problem()
    {
        var layout = CourseLayout.FindFrom(AppContext.BaseDirectory);
        foreach (var id in layout.AssignmentIds())
            Assert.That(Problems(layout, id), Is.Empty, id);
    }

    [Test]
    public void Given_a_well_made_homework_Then_there_is_no_problem()
    {
        using var course = new GivenLibraryCourse();
        Assert.That(Problems(course.Layout, Id), Is.Empty);
    }

    [Test]
    public void Given_a_homework_missing_from_the_solution_Then_each_of_its_projects_is_named_with_the_command_that_adds_it()
    {
        using var course = new GivenLibraryCourse();
        var solution = course.PathOf(CourseLayout.SolutionFileName);
        File.WriteAllLines(solution, File.ReadAllLines(solution).Where(line => !line.Contains(Id, StringComparison.Ordinal)));

        var problems = Problems(course.Layout, Id);

        Assert.That(problems, Has.Count.EqualTo(4), string.Join("\n", problems));
        foreach (var project in new[] { $"reference/{Id}/Hw0.Plain/Hw0.Plain.csproj", $"reference/{Id}/Hw0.Plain.Tests/Hw0.Plain.Tests.csproj",
                     $"assignments/{Id}/tests/Hw0.Plain.HiddenTests.csproj", $"starter/{Id}/Hw0.Plain/Hw0.Plain.csproj" })
            Assert.That(problems, Has.One.StartsWith($"{project} is not in Course.sln").And.EndsWith($"dotnet sln Course.sln add {project}"));
    }

    /// <summary>A public golden, in the reference's tests and, as `course sync` copies it, the starter's.</summary>
    static void ShippedGolden(GivenLibraryCourse course, string name, byte[] content)
    {
        foreach (var folder in new[] { "reference", "starter" })
        {
            var path = course.PathOf($"{folder}/{Id}/Hw0.Plain.Tests/golden/{name}");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }
    }

    static void Replay(GivenLibraryCourse course, string name, byte[] content)
    {
        var path = course.PathOf($"assignments/{Id}/public-golden/{name}");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    [Test]
    public void Given_a_public_golden_without_a_hidden_replay_Then_it_is_named_with_the_command_that_records_it()
    {
        using var course = new GivenLibraryCourse();
        ShippedGolden(course, "head.safetensors", [1, 2, 3]);

        Assert.That(Problems(course.Layout, Id), Is.EqualTo(new[]
        {
            $"the public golden head.safetensors has no hidden replay in assignments/{Id}/public-golden, so a grade replays the one every student has, inputs and outputs: " +
            $"record them with COURSE_GOLDEN=record COURSE_GOLDEN_SALT=1 COURSE_GOLDEN_DIR=$PWD/assignments/{Id}/public-golden dotnet test reference/{Id}/Hw0.Plain.Tests",
        }));
    }

    [Test]
    public void Given_a_hidden_replay_on_other_inputs_Then_there_is_no_problem()
    {
        using var course = new GivenLibraryCourse();
        ShippedGolden(course, "head.safetensors", [1, 2, 3]);
        Replay(course, "head.safetensors", [1, 2, 4]);

        Assert.That(Problems(course.Layout, Id), Is.Empty);
    }

    [Test]
    public void Given_a_hidden_replay_with_the_shipped_goldens_tensors_Then_it_says_to_draw_the_inputs_from_a_Seeded()
    {
        using var course = new GivenLibraryCourse();
        ShippedGolden(course, "head.safetensors", [1, 2, 3]);
        Replay(course, "head.safetensors", [1, 2, 3]);

        Assert.That(Problems(course.Layout, Id), Is.EqualTo(new[]
        {
            $"the hidden replay assignments/{Id}/public-golden/head.safetensors holds the shipped golden's tensors byte for byte: its test makes its inputs without a Seeded, " +
            "whose seed COURSE_GOLDEN_SALT changes while recording; draw them from one (or keep that test's checks in the hidden tests)",
        }));
    }

    [Test]
    public void Given_a_hidden_replay_of_no_public_golden_Then_it_is_named()
    {
        using var course = new GivenLibraryCourse();
        Replay(course, "gone.safetensors", [1]);

        Assert.That(Problems(course.Layout, Id), Has.Count.EqualTo(1).And.One.StartsWith(
            $"assignments/{Id}/public-golden/gone.safetensors replays no public golden (the public tests have no golden/gone.safetensors): delete it, or record them with "));
    }

    [Test]
    public void Given_a_test_without_points_Then_it_is_named()
    {
        using var course = new GivenLibraryCourse();
        var file = course.PathOf($"assignments/{Id}/tests/HiddenTests.cs");
        File.WriteAllText(file, File.ReadAllText(file).Replace("[Test, Points(1)]", "[Test]", StringComparison.Ordinal));

        Assert.That(Problems(course.Layout, Id), Is.EqualTo(new[]
        {
            "Hw0.Plain.HiddenTests.HiddenTests.Answer_IsStill42 has no points: give it [Points(n)] (on the test or its fixture) or a `tests:` entry in assignment.yaml; " +
            "a test without points counts for nothing, so no grade can show that it guards anything",
        }));
    }

    [Test]
    public void Given_a_test_without_points_that_the_manifest_gives_points_Then_there_is_no_problem()
    {
        using var course = new GivenLibraryCourse();
        var file = course.PathOf($"assignments/{Id}/tests/HiddenTests.cs");
        File.WriteAllText(file, File.ReadAllText(file).Replace("[Test, Points(1)]", "[Test]", StringComparison.Ordinal));
        File.AppendAllText(course.PathOf($"assignments/{Id}/assignment.yaml"), "tests:\n  Hw0.Plain.HiddenTests.HiddenTests.Answer_IsStill42:\n    points: 1\n");

        Assert.That(Problems(course.Layout, Id), Is.Empty);
    }

    [Test]
    public void Given_a_hidden_test_that_asks_to_be_visible_Then_it_is_named()
    {
        using var course = new GivenLibraryCourse();
        var file = course.PathOf($"assignments/{Id}/tests/HiddenTests.cs");
        File.WriteAllText(file, File.ReadAllText(file).Replace("Visibility.Hidden", "Visibility.Visible", StringComparison.Ordinal));

        Assert.That(Problems(course.Layout, Id), Has.One.StartsWith("Hw0.Plain.HiddenTests.HiddenTests.Answer_IsStill42 is in the hidden tests").And.Contain("AfterDueDate"));
    }

    [Test]
    public void Given_a_missing_handout_Then_it_is_named()
    {
        using var course = new GivenLibraryCourse();
        File.Delete(course.PathOf($"assignments/{Id}/handout.md"));

        Assert.That(Problems(course.Layout, Id), Is.EqualTo(new[]
        {
            $"assignments/{Id}/handout.md is missing or empty: it is the exported repository's README, what students read first",
        }));
    }

    [Test]
    public void Given_a_public_test_in_a_folder_the_template_ignores_Then_it_is_named_with_the_rule()
    {
        using var course = new GivenLibraryCourse();
        course.Write($"reference/{Id}/Hw0.Plain.Tests/TestResults/MoreTests.cs", """
            using NUnit.Framework;
            using Course.Testing;

            namespace Hw0.Plain.Tests;

            public class MoreTests
            {
                [Test, Points(1)]
                public void Answer_IsPositive() => Assert.That(Plain.Answer(), Is.Positive);
            }
            """);
        new StarterSync(course.Layout).Apply(Id);

        var problems = Problems(course.Layout, Id);

        Assert.That(problems, Has.Some.EqualTo(
            "the public test file Hw0.Plain.Tests/TestResults/MoreTests.cs is graded, but the students' repository would not keep it: " +
            "its .gitignore ignores it (.gitignore:6:TestResults/); rename it or move it out of that folder"), string.Join("\n", problems));
    }

    [Test]
    public void Given_a_stale_starter_Then_the_export_problem_says_to_sync()
    {
        using var course = new GivenLibraryCourse();
        course.Write($"reference/{Id}/Hw0.Plain.Tests/MoreTests.cs", "namespace Hw0.Plain.Tests;\n");

        Assert.That(Problems(course.Layout, Id), Has.One.StartsWith($"`course export {Id}` fails:").And.Contain($"run `course sync {Id}` first"));
    }
}
