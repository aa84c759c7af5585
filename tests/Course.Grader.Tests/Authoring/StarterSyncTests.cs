using Course.Grader.Authoring;

namespace Course.Grader.Tests.Authoring;

public class StarterSyncTests
{
    private const string Id = "hw0-demo";

    private const string MarkedSource = """
        namespace Hw0;

        public static class Counter
        {
            public static int Count(string text)
            {
                // BEGIN SOLUTION: Count the words.
                return text.Split(' ').Length;
                // END SOLUTION
            }
        }
        """;

    private TempCourseRepo repo = null!;

    [SetUp]
    public void CreateRepo() => repo = new TempCourseRepo()
        .Write($"reference/{Id}/Hw0/Counter.cs", MarkedSource)
        .Write($"reference/{Id}/Hw0/Hw0.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />\n")
        .Write($"reference/{Id}/Hw0.Tests/CounterTests.cs", "namespace Hw0.Tests;\n")
        .Write($"reference/{Id}/Hw0/bin/Debug/Hw0.dll", "build output")
        .Write($"reference/{Id}/Hw0/obj/project.assets.json", "{}");

    [TearDown]
    public void DeleteRepo() => repo.Dispose();

    private StarterSync Sync => new(repo.Layout);

    [Test]
    public void Given_no_starter_When_applied_Then_every_reference_file_but_build_output_is_generated()
    {
        var report = Sync.Apply(Id);

        Assert.That(report.Missing, Is.EqualTo(new[] { "Hw0.Tests/CounterTests.cs", "Hw0/Counter.cs", "Hw0/Hw0.csproj" }));
        Assert.That(repo.Read($"starter/{Id}/Hw0/Counter.cs"), Does.Contain("throw new NotImplementedException(\"Counter.Count: Count the words.\");"));
        Assert.That(repo.Read($"starter/{Id}/Hw0/Hw0.csproj"), Is.EqualTo("<Project Sdk=\"Microsoft.NET.Sdk\" />\n"));
        Assert.That(Directory.Exists(repo.PathOf($"starter/{Id}/Hw0/bin")), Is.False);
        Assert.That(Directory.Exists(repo.PathOf($"starter/{Id}/Hw0/obj")), Is.False);
    }

    [Test]
    public void Given_a_synced_starter_When_checked_Then_it_is_up_to_date()
    {
        Sync.Apply(Id);

        Assert.That(Sync.Check(Id).IsUpToDate, Is.True);
    }

    [Test]
    public void Given_an_edited_reference_file_When_checked_Then_that_file_is_stale_and_nothing_is_written()
    {
        Sync.Apply(Id);
        repo.Write($"reference/{Id}/Hw0/Counter.cs", MarkedSource.Replace("Count the words.", "Split on spaces."));

        var report = Sync.Check(Id);

        Assert.That(report.Stale, Is.EqualTo(new[] { "Hw0/Counter.cs" }));
        Assert.That(report.Missing, Is.Empty);
        Assert.That(report.Extra, Is.Empty);
        Assert.That(repo.Read($"starter/{Id}/Hw0/Counter.cs"), Does.Contain("Count the words."));
    }

    [Test]
    public void Given_an_extra_starter_file_When_applied_Then_it_is_deleted_with_its_empty_folder_but_build_output_is_kept()
    {
        Sync.Apply(Id);
        repo.Write($"starter/{Id}/Old/Removed.cs", "class Removed {}\n");
        repo.Write($"starter/{Id}/Hw0/obj/Debug/cache.txt", "student build output");

        Assert.That(Sync.Check(Id).Extra, Is.EqualTo(new[] { "Old/Removed.cs" }));

        var report = Sync.Apply(Id);

        Assert.That(report.Extra, Is.EqualTo(new[] { "Old/Removed.cs" }));
        Assert.That(Directory.Exists(repo.PathOf($"starter/{Id}/Old")), Is.False);
        Assert.That(repo.Exists($"starter/{Id}/Hw0/obj/Debug/cache.txt"), Is.True);
        Assert.That(Sync.Check(Id).IsUpToDate, Is.True);
    }

    [Test]
    public void Given_bad_markers_in_two_files_When_applied_Then_both_are_reported_with_repo_paths_and_nothing_is_written()
    {
        repo.Write($"reference/{Id}/Hw0/Broken.cs", "class B\n{\n    void M()\n    {\n        // BEGIN SOLUTION\n    }\n}\n");
        repo.Write($"reference/{Id}/Hw0/AlsoBroken.cs", "class A\n{\n    void M()\n    {\n        // END SOLUTION\n    }\n}\n");

        var errors = Assert.Throws<StarterGenerationException>(() => Sync.Apply(Id))!.Errors;

        Assert.That(errors.Select(e => $"{e.Path}:{e.Line}"), Is.EquivalentTo(new[]
        {
            $"reference/{Id}/Hw0/AlsoBroken.cs:5",
            $"reference/{Id}/Hw0/Broken.cs:5",
        }));
        Assert.That(Directory.Exists(repo.PathOf($"starter/{Id}")), Is.False);
    }
}
