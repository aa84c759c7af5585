using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Course.Grader.Compile;
using Course.Grader.Tests.Authoring;

namespace Course.Grader.Tests.Compile;

/// <summary>
/// Which given libraries a homework has (those its trusted starter project references in models/), how one is read from
/// its folder and compiled (with its embedded resources, once per content), and what the grader refuses to guess.
/// </summary>
public class GivenLibrariesTests
{
    const string Starter = "starter/hw0-demo/Hw0/Hw0.csproj";
    TempCourseRepo repo = null!;

    [SetUp]
    public void CreateRepo() => repo = new TempCourseRepo()
        .Write(Starter, Project("$(CourseRoot)models/Lib/Lib.csproj", "$(CourseRoot)grader/Sdk/Sdk.csproj"))
        .Write("models/Lib/Lib.csproj", LibraryProject("""<EmbeddedResource Include="data/weights.bin" LogicalName="Lib.weights.bin" />"""))
        .Write("models/Lib/data/weights.bin", "0123")
        .Write("models/Lib/Lib.cs", "namespace Lib;\npublic static class Model { public static TorchSharp.torch.Tensor Zero() => TorchSharp.torch.zeros(1); }\n")
        .Write("models/Lib/Nested/More.cs", "namespace Lib;\npublic static class More { public static int One => 1; }\n")
        .Write("models/Lib/bin/Debug/Stale.cs", "this is not C#")
        .Write("models/Other/Other.csproj", LibraryProject(""));

    [TearDown]
    public void DeleteRepo() => repo.Dispose();

    static string Project(params string[] references) =>
        $"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n{string.Concat(references.Select(r => $"    <ProjectReference Include=\"{r}\" />\n"))}  </ItemGroup>\n</Project>\n";

    static string LibraryProject(string items) =>
        $"<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <UsesTorch>true</UsesTorch>\n  </PropertyGroup>\n  <ItemGroup>\n    {items}\n  </ItemGroup>\n</Project>\n";

    IReadOnlyList<string> Libraries => TinyHomework.Worker.Value.LibraryAssemblies;

    GivenLibrarySources ReadLib() => GivenLibraries.Read(repo.Layout, GivenLibraries.Find(repo.Layout, repo.PathOf(Starter)).Single());

    [Test]
    public void Given_a_starter_that_references_one_library_and_the_grader_When_found_Then_only_that_library_is_given()
    {
        var found = GivenLibraries.Find(repo.Layout, repo.PathOf(Starter));

        Assert.That(found, Is.EqualTo(new[] { new GivenLibraryProject("Lib", repo.PathOf("models/Lib")) }));
    }

    [Test]
    public void Given_a_starter_that_references_no_library_When_found_Then_none_is_given()
    {
        repo.Write(Starter, Project("$(CourseRoot)grader/Sdk/Sdk.csproj"));

        Assert.That(GivenLibraries.Find(repo.Layout, repo.PathOf(Starter)), Is.Empty);
    }

    [TestCase("$(CourseRoot)models/Lib/Other.csproj")]
    [TestCase("$(CourseRoot)models/Lib/Nested/Lib.csproj")]
    [TestCase("$(CourseRoot)models/Missing/Missing.csproj")]
    public void Given_a_reference_into_models_that_is_not_a_library_project_When_found_Then_the_grader_refuses(string include)
    {
        repo.Write(Starter, Project(include));

        var error = Assert.Throws<InvalidOperationException>(() => GivenLibraries.Find(repo.Layout, repo.PathOf(Starter)));

        Assert.That(error!.Message, Does.Contain(include).And.Contain("models/<Name>/<Name>.csproj"));
    }

    [Test]
    public void Given_a_library_folder_When_read_Then_every_cs_file_but_build_outputs_is_a_source_and_each_resource_has_its_logical_name()
    {
        var read = ReadLib();

        Assert.That(read.Sources.Files.Select(f => f.Path), Is.EqualTo(new[] { "models/Lib/Lib.cs", "models/Lib/Nested/More.cs" }));
        Assert.That(read.Resources.Select(r => (r.LogicalName, r.File, System.Text.Encoding.UTF8.GetString(r.Content))),
            Is.EqualTo(new[] { ("Lib.weights.bin", "data/weights.bin", "0123") }));
    }

    [TestCase("""<EmbeddedResource Include="data/weights.bin" />""", "needs an Include and a LogicalName")]
    [TestCase("""<EmbeddedResource Include="data/*.bin" LogicalName="Lib.all" />""", "must name one file in models/Lib/")]
    [TestCase("""<EmbeddedResource Include="../Other/Other.csproj" LogicalName="Lib.other" />""", "must name one file in models/Lib/")]
    [TestCase("""<ProjectReference Include="../Other/Other.csproj" />""", "a given library may build on TorchSharp only")]
    public void Given_a_library_project_asking_for_what_the_grader_cannot_give_When_read_Then_it_refuses(string item, string message)
    {
        repo.Write("models/Lib/Lib.csproj", LibraryProject(item));

        var error = Assert.Throws<InvalidOperationException>(() => ReadLib());

        Assert.That(error!.Message, Does.Contain("models/Lib/Lib.csproj").And.Contain(message));
    }

    [Test]
    public void Given_a_library_When_compiled_Then_its_image_embeds_the_resource_under_its_logical_name()
    {
        var library = GivenLibraries.Compile(ReadLib(), Libraries);

        using var pe = new PEReader(new MemoryStream(library.Assembly.Image));
        var metadata = pe.GetMetadataReader();
        var resources = metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name));
        Assert.That(resources, Is.EqualTo(new[] { "Lib.weights.bin" }));
        Assert.That(library.Assembly.Name, Is.EqualTo("Lib"));
        Assert.That(library.Assembly.Symbols, Is.Not.Empty);
    }

    [Test]
    public void Given_the_same_content_twice_When_compiled_Then_it_is_compiled_once_and_a_change_compiles_anew()
    {
        var first = GivenLibraries.Compile(ReadLib(), Libraries);
        var again = GivenLibraries.Compile(ReadLib(), Libraries);
        repo.Write("models/Lib/data/weights.bin", "4567");
        var changed = GivenLibraries.Compile(ReadLib(), Libraries);

        Assert.That(again, Is.SameAs(first));
        Assert.That(changed, Is.Not.SameAs(first));
        Assert.That(changed.ContentHash, Is.Not.EqualTo(first.ContentHash));
        Assert.That(changed.Reference.Display, Is.Not.EqualTo(first.Reference.Display), "caches keyed by a reference's name must not mix the two");
    }

    [Test]
    public void Given_a_library_that_does_not_compile_When_compiled_Then_the_grader_fails_naming_it()
    {
        repo.Write("models/Lib/Broken.cs", "namespace Lib;\npublic static class Broken { public static int X => Missing.Value; }\n");

        var error = Assert.Throws<InvalidOperationException>(() => GivenLibraries.Compile(ReadLib(), Libraries));

        Assert.That(error!.Message, Does.Contain("the given library Lib does not compile").And.Contain("models/Lib/Broken.cs(2,"));
    }

    [Test]
    public void Given_a_library_When_a_homework_compiles_with_and_without_it_Then_only_with_it_can_it_name_the_library()
    {
        var library = GivenLibraries.Compile(ReadLib(), Libraries);
        var homework = new AssemblySources(TinyHomework.HomeworkName, [new SourceFile("Homework.cs", "public static class Uses { public static int One => Lib.More.One; }\n")]);

        var with = CompileStage.Compile(new CompileRequest(homework, [], Libraries, [library]));
        var without = CompileStage.Compile(new CompileRequest(homework, [], Libraries));

        Assert.That(with.Success, Is.True, () => string.Join("\n", with.Homework.Diagnostics));
        Assert.That(without.Homework.Errors.Select(e => e.Id), Is.EqualTo(new[] { "CS0103" }), () => string.Join("\n", without.Homework.Diagnostics));
    }
}
