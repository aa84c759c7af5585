using Course.Grader.Authoring;
using Course.Grader.Manifest;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// A throwaway course repo with a given library and two tiny homeworks: the course's own grader, build files and root
/// files, copied; <see cref="Library"/> in models/ (TorchSharp code, a source file in a subfolder, one embedded resource);
/// <see cref="WithLibrary"/>, whose starter references it and whose homework and tests call it; and <see cref="WithoutLibrary"/>,
/// whose starter does not. Starters are generated from the references as <c>course sync</c> does.
/// </summary>
sealed class GivenLibraryCourse : IDisposable
{
    public const string Library = "Tiny.Given";
    public const string WithLibrary = "hw0-given";
    public const string WithoutLibrary = "hw0-plain";
    public const string Greeting = "hello from a given library";

    static readonly CourseLayout Course = CourseLayout.FindFrom(AppContext.BaseDirectory);

    readonly TempFolder temp = new("course-given-");

    public GivenLibraryCourse()
    {
        foreach (var file in new[] { CourseLayout.SolutionFileName, "global.json", ".gitignore", ".editorconfig", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.Copy(Path.Combine(Course.Root, file), Path.Combine(Root, file));
        foreach (var folder in new[] { "build", "grader" })
            foreach (var file in ProjectFiles.List(Path.Combine(Course.Root, folder)))
                Write($"{folder}/{file}", File.ReadAllText(Path.Combine(Course.Root, folder, file)));

        Write($"models/{Library}/{Library}.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <UsesTorch>true</UsesTorch>
              </PropertyGroup>
              <ItemGroup>
                <EmbeddedResource Include="greeting.txt" LogicalName="Tiny.Given.greeting.txt" />
              </ItemGroup>
            </Project>
            """);
        Write($"models/{Library}/greeting.txt", Greeting + "\n");
        Write($"models/{Library}/Doubler.cs", """
            using TorchSharp;

            namespace Tiny.Given;

            public static class Doubler
            {
                public static torch.Tensor Double(torch.Tensor x) => x * 2;

                /// <summary>Read from the library's own embedded resource.</summary>
                public static string Greeting()
                {
                    using var stream = typeof(Doubler).Assembly.GetManifestResourceStream("Tiny.Given.greeting.txt")
                                       ?? throw new InvalidOperationException("the greeting is not embedded");
                    using var reader = new StreamReader(stream);
                    return reader.ReadToEnd().Trim();
                }

                /// <summary>A member whose signature hands out a type homework code may not use.</summary>
                public static Stream OpenGreeting() => typeof(Doubler).Assembly.GetManifestResourceStream("Tiny.Given.greeting.txt")!;
            }
            """);
        Write($"models/{Library}/Probes/Probe.cs", """
            using TorchSharp;

            namespace Tiny.Given;

            public sealed record Probe(string Name, torch.Tensor Direction);
            """);

        WriteHomework(WithLibrary, "Hw0.Given", "Scaler.cs", $"""
            <ItemGroup>
                <ProjectReference Include="$(CourseRoot)models/{Library}/{Library}.csproj" />
              </ItemGroup>
            """, """
            using Tiny.Given;
            using TorchSharp;

            namespace Hw0.Given;

            public static class Scaler
            {
                public static torch.Tensor Quadruple(torch.Tensor x)
                {
                    // BEGIN SOLUTION: double twice with the given library
                    return Doubler.Double(Doubler.Double(x));
                    // END SOLUTION
                }

                public static string Greet()
                {
                    // BEGIN SOLUTION: the library's greeting and an exclamation mark
                    return Doubler.Greeting() + "!";
                    // END SOLUTION
                }

                public static torch.Tensor Score(Probe probe, torch.Tensor x)
                {
                    // BEGIN SOLUTION: the dot product of the probe's direction with x
                    return (probe.Direction * x).sum();
                    // END SOLUTION
                }
            }
            """, """
            [Test, Points(1)]
                public void Quadruple_CallsTheGivenLibrary() => Assert.That(Scaler.Quadruple(torch.ones(3)).sum().item<float>(), Is.EqualTo(12f));

                [Test, Points(1)]
                public void Greet_ReadsTheLibrarysEmbeddedResource() => Assert.That(Scaler.Greet(), Is.EqualTo("hello from a given library!"));

                [Test, Points(1)]
                public void TheTestsCallTheLibraryToo() =>
                    Assert.That(Scaler.Quadruple(torch.ones(2)).sum().item<float>(), Is.EqualTo(Tiny.Given.Doubler.Double(torch.full(2, 2f)).sum().item<float>()));
            """, """
            [Test, Points(1)]
                public void Score_OfALibraryProbe_IsItsDotProduct() =>
                    Assert.That(Scaler.Score(new Tiny.Given.Probe("p", torch.ones(2)), torch.full(2, 3f)).item<float>(), Is.EqualTo(6f).Within(1e-4));
            """, """
            allowed_apis:
              - id: "N:Tiny.Given"
                reason: "the given library this homework builds on"
            """);

        WriteHomework(WithoutLibrary, "Hw0.Plain", "Plain.cs", "", """
            namespace Hw0.Plain;

            public static class Plain
            {
                public static int Answer()
                {
                    // BEGIN SOLUTION: forty-two
                    return 42;
                    // END SOLUTION
                }
            }
            """, """
            [Test, Points(1)]
                public void Answer_Is42() => Assert.That(Plain.Answer(), Is.EqualTo(42));
            """, """
            [Test, Points(1)]
                public void Answer_IsStill42() => Assert.That(Plain.Answer(), Is.EqualTo(42));
            """, "");

        foreach (var id in new[] { WithLibrary, WithoutLibrary }) new StarterSync(Layout).Apply(id);
        foreach (var id in new[] { WithLibrary, WithoutLibrary }) AddToSolution(id);
    }

    /// <summary>Lists a homework's projects in the course's Course.sln, as `course validate` asks (the starter's public tests excepted).</summary>
    public void AddToSolution(string id)
    {
        var projects = new[] { CourseLayout.ReferenceFolder, CourseLayout.AssignmentsFolder, CourseLayout.StarterFolder }
            .SelectMany(folder => ProjectFiles.List(PathOf($"{folder}/{id}")).Where(f => f.EndsWith(".csproj", StringComparison.Ordinal)).Select(f => $"{folder}/{id}/{f}"))
            .Where(p => !(p.StartsWith($"{CourseLayout.StarterFolder}/", StringComparison.Ordinal) && p.Contains(".Tests/", StringComparison.Ordinal)));
        var entries = string.Concat(projects.Select(p =>
            $"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"{Path.GetFileNameWithoutExtension(p)}\", \"{p.Replace('/', '\\')}\", \"{{{Guid.NewGuid().ToString().ToUpperInvariant()}}}\"\nEndProject\n"));
        var solution = File.ReadAllText(PathOf(CourseLayout.SolutionFileName));
        var global = solution.IndexOf("\nGlobal", StringComparison.Ordinal) + 1;
        File.WriteAllText(PathOf(CourseLayout.SolutionFileName), solution.Insert(global, entries));
    }

    public string Root => temp.Path;

    public CourseLayout Layout => new(Root);

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public void Write(string relativePath, string content)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>A homework of one student file, with one public and one hidden test fixture.</summary>
    void WriteHomework(string id, string project, string studentFile, string projectItems, string solution, string publicTests, string hiddenTests, string manifestExtra)
    {
        Write($"reference/{id}/{project}/{project}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <UsesTorch>true</UsesTorch>
              </PropertyGroup>
              {projectItems}
            </Project>

            """);
        Write($"reference/{id}/{project}/{studentFile}", solution);
        Write($"reference/{id}/{project}.Tests/{project}.Tests.csproj", TestProject($"../{project}/{project}.csproj"));
        Write($"reference/{id}/{project}.Tests/PublicTests.cs", TestFile(project, "Tests", "PublicTests", "", publicTests));
        Write($"assignments/{id}/tests/{project}.HiddenTests.csproj", TestProject($"$(CourseRoot)reference/{id}/{project}/{project}.csproj"));
        Write($"assignments/{id}/tests/HiddenTests.cs", TestFile(project, "HiddenTests", "HiddenTests", "[Visibility(Visibility.Hidden)]", hiddenTests));
        Write($"assignments/{id}/handout.md", $"# {id}\n\nA fixture of the grader's tests.\n");
        Write($"assignments/{id}/{AssignmentManifest.FileName}", $"""
            id: {id}
            title: A fixture homework
            project: {project}
            public_tests: {project}.Tests
            hidden_tests: tests
            student_files:
              - {studentFile}
            {manifestExtra}
            """);
    }

    static string TestProject(string homework) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <UsesTorch>true</UsesTorch>
            <IsPackable>false</IsPackable>
            <IsTestProject>true</IsTestProject>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.NET.Test.Sdk" />
            <PackageReference Include="NUnit" />
            <PackageReference Include="NUnit3TestAdapter" />
          </ItemGroup>
          <ItemGroup>
            <ProjectReference Include="{homework}" />
            <ProjectReference Include="$(CourseRoot)grader/Course.Testing/Course.Testing.csproj" />
          </ItemGroup>
        </Project>

        """;

    static string TestFile(string project, string suffix, string fixture, string attributes, string body) => $$"""
        using Course.Testing;
        using NUnit.Framework;
        using TorchSharp;

        namespace {{project}}.{{suffix}};

        {{attributes}}
        public sealed class {{fixture}} : TorchTest
        {
            {{body}}
        }

        """;

    public void Dispose() => temp.Dispose();
}
