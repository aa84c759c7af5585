using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Tests.Authoring;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// <see cref="GivenLibraryState"/>: a given library keeps no state homework code could change, so `course validate` names each
/// static of it that can hold some, and the course's own libraries hold none.
/// </summary>
public class GivenLibraryStateTests
{
    [Test]
    public void Given_statics_of_each_kind_in_a_library_When_read_Then_exactly_those_that_can_hold_state_are_named()
    {
        using var repo = new TempCourseRepo()
            .Write("models/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .Write("models/Lib/Words.cs", """
                using System;
                using System.Collections.Generic;
                using TorchSharp;

                namespace Lib;

                public sealed record Shape(int Layers, string Name);

                public static class Words
                {
                    const int Fine1 = 3;
                    static readonly string Fine2 = "the";
                    public static readonly Shape Fine3 = new(2, "tiny");
                    public static IReadOnlyList<string> Fine4 => ["a", "b"];
                    static readonly string[] Held1 = ["a", "b"];
                    public static IReadOnlyList<string> Held2 { get; } = Array.AsReadOnly(Held1);
                    static readonly List<string> Held3 = [];
                    static int Held4;
                    public static readonly torch.Tensor Held5 = torch.zeros(2);
                    public static event Action? Held6;
                    public static int Count => Fine1 + Fine2.Length + Fine3.Layers + Held3.Count + Held4 + (Held6 is null ? 0 : 1);
                }
                """);

        var problems = GivenLibraryState.Problems([GivenLibraries.ForReading(
            GivenLibraries.Read(repo.Layout, new GivenLibraryProject("Lib", repo.PathOf("models/Lib"))), TinyHomework.Worker.Value.LibraryAssemblies)]);

        Assert.That(problems.Select(p => p.Split(' ')[2]), Is.EquivalentTo(new[] { "Words.Held1", "Words.Held2", "Words.Held3", "Words.Held4", "Words.Held5", "Words.Held6" }),
            () => string.Join("\n", problems));
        Assert.That(problems[0], Does.StartWith("Lib: models/Lib/Words.cs:15: Words.Held1 is static state of a given library (string[])"));
    }

    [Test]
    public void Given_the_course_libraries_When_read_Then_none_keeps_state()
    {
        var layout = CourseLayout.FindFrom(AppContext.BaseDirectory);
        var libraries = Directory.EnumerateDirectories(layout.ModelsDir).Select(folder => new GivenLibraryProject(Path.GetFileName(folder), folder)).ToList();
        Assert.That(libraries, Is.Not.Empty);

        var problems = GivenLibraryState.Problems(libraries.Select(l => GivenLibraries.ForReading(GivenLibraries.Read(layout, l), TinyHomework.Worker.Value.LibraryAssemblies)));

        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }
}
