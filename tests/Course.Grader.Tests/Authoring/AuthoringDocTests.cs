using System.Reflection;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Tests.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using YamlDotNet.Serialization.NamingConventions;

namespace Course.Grader.Tests.Authoring;

/// <summary>
/// docs/authoring.md, the TAs' reference: its C# examples compile against the test SDK, NUnit and TorchSharp (as one
/// small homework, with the implicit usings of the course's projects), and it describes every key of the manifest.
/// </summary>
public class AuthoringDocTests
{
    const string DocPath = "docs/authoring.md";

    static string Doc => File.ReadAllText(Path.Combine(Hw3Submissions.Layout.Root, DocPath));

    /// <summary>The ```csharp blocks of a markdown text, each with the line number (from 1) of its first line of code.</summary>
    internal static List<(int FirstLine, string Code)> CSharpBlocks(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var blocks = new List<(int, string)>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp") continue;
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.That(end, Is.GreaterThan(i), $"{DocPath}: the ```csharp block at line {i + 1} is never closed");
            blocks.Add((i + 2, string.Join('\n', lines[(i + 1)..end])));
            i = end;
        }
        return blocks;
    }

    /// <summary>Every error and warning of compiling the blocks together, as "line N: CSxxxx: message" in the markdown's lines.</summary>
    internal static List<string> CompileProblems(IReadOnlyList<(int FirstLine, string Code)> blocks)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        // The implicit usings of an SDK project with <ImplicitUsings>enable</ImplicitUsings>, as every project of the course has.
        var implicitUsings = CSharpSyntaxTree.ParseText(string.Concat(
            new[] { "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks" }
                .Select(n => $"global using global::{n};\n")), parse, path: "implicit-usings.cs");
        var trees = blocks.Select(b => CSharpSyntaxTree.ParseText(b.Code, parse, path: $"block@{b.FirstLine}")).ToList();
        var compilation = CSharpCompilation.Create("AuthoringDocExamples", [implicitUsings, .. trees],
            ReferenceCache.For(WorkerLocation.Default().LibraryAssemblies),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var emitted = compilation.Emit(output);
        var firstLines = blocks.ToDictionary(b => $"block@{b.FirstLine}", b => b.FirstLine);
        return emitted.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Severity == DiagnosticSeverity.Warning && d.Id is not ("CS1701" or "CS1702"))
            .Select(d =>
            {
                var span = d.Location.GetLineSpan();
                var line = firstLines.TryGetValue(span.Path, out var first) ? $"line {first + span.StartLinePosition.Line}" : span.Path;
                return $"{line}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
            })
            .ToList();
    }

    [Test]
    public void Given_the_authoring_doc_When_its_csharp_examples_are_compiled_Then_they_compile_without_errors_or_warnings()
    {
        var blocks = CSharpBlocks(Doc);

        Assert.That(blocks, Has.Count.GreaterThanOrEqualTo(4), $"{DocPath} shows the SDK in ```csharp blocks");
        var problems = CompileProblems(blocks);
        Assert.That(problems, Is.Empty, $"{DocPath}'s examples must compile:\n" + string.Join('\n', problems.Select(p => $"{DocPath} {p}")));
    }

    [Test]
    public void Given_a_block_that_does_not_compile_When_compiled_Then_the_problem_names_its_line_in_the_markdown()
    {
        const string markdown = "# Title\n\n```csharp\nnamespace Broken;\n\npublic static class A\n{\n    public static int B() => C;\n}\n```\n";

        var problems = CompileProblems(CSharpBlocks(markdown));

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("line 8: CS0103:"), "the line of `=> C` in the markdown");
    }

    [Test]
    public void Given_the_authoring_doc_Then_it_describes_every_key_of_the_manifest()
    {
        var doc = Doc;
        var keys = Keys(typeof(ManifestDocument), "").ToList();

        Assert.That(keys, Does.Contain("limits.memory_mb").And.Contain("tests.visibility").And.Contain("due_date"));
        Assert.That(keys.Where(k => !doc.Contains($"`{k}`", StringComparison.Ordinal) && !doc.Contains($"`{k[(k.LastIndexOf('.') + 1)..]}`", StringComparison.Ordinal)),
            Is.Empty, $"manifest keys {DocPath} does not name in backquotes");
    }

    /// <summary>The manifest's keys as YAML spells them, nested ones as parent.child (list items and map values by their type).</summary>
    static IEnumerable<string> Keys(Type document, string prefix)
    {
        foreach (var property in document.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = prefix + UnderscoredNamingConvention.Instance.Apply(property.Name);
            yield return key;
            var type = property.PropertyType;
            var inner = type.IsGenericType ? type.GetGenericArguments()[^1] : type;
            inner = Nullable.GetUnderlyingType(inner) ?? inner;
            if (inner.Assembly == typeof(ManifestDocument).Assembly)
            {
                foreach (var child in Keys(inner, key + "."))
                    yield return child;
            }
        }
    }
}
