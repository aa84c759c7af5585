using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Authoring;

/// <summary>
/// Turns reference files into starter files: each <c>// BEGIN SOLUTION[: hint]</c> ... <c>// END SOLUTION</c>
/// region in a block body becomes <c>throw new NotImplementedException("Type.Member: hint");</c>.
/// Files without markers, and files that are not C#, come back byte for byte.
/// </summary>
public static class StarterGenerator
{
    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Generates the starter text of one C# source. <paramref name="path"/> is only used in errors.</summary>
    /// <exception cref="StarterGenerationException">The markers break a rule; every error is listed.</exception>
    public static string GenerateSource(string source, string path) => Rewrite(source, path) ?? source;

    /// <summary>
    /// Generates one starter file from a reference file's bytes: <c>.cs</c> files get their regions stubbed, and a project
    /// file's comment about the reference becomes one about the student's project (see <see cref="StudentComments"/>).
    /// </summary>
    /// <exception cref="StarterGenerationException">The markers break a rule, or the file is not UTF-8.</exception>
    public static byte[] GenerateFile(string path, byte[] content)
    {
        if (path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            return StudentProject(path, content);
        if (!path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            return content;
        var hasBom = content.AsSpan().StartsWith(Utf8Bom);
        string source;
        try
        {
            source = StrictUtf8.GetString(content, hasBom ? Utf8Bom.Length : 0, content.Length - (hasBom ? Utf8Bom.Length : 0));
        }
        catch (DecoderFallbackException)
        {
            throw new StarterGenerationException([new MarkerError(path, 1, "the file is not valid UTF-8")]);
        }

        var starter = Rewrite(source, path);
        if (starter is null)
            return content;
        return [.. hasBom ? Utf8Bom : [], .. StrictUtf8.GetBytes(starter)];
    }

    /// <summary>
    /// The sentences of the reference's project comments that say what a project is to the course's authors, and what
    /// the starter (and so the student's repository) says instead; <c>{project}</c> is the project's name.
    /// </summary>
    public static readonly IReadOnlyList<(string Reference, string Student)> StudentComments =
    [
        ("The reference solution; the starter is generated from it by `course sync`.",
            "Your project: implement each part that throws NotImplementedException; the tests in {project}.Tests check them (`dotnet test`)."),
        ("they ship to students with the starter. Goldens are recorded with COURSE_GOLDEN=record against the reference.",
            "`dotnet test` runs them against your project; the grader runs these and hidden tests."),
    ];

    static byte[] StudentProject(string path, byte[] content)
    {
        var text = Encoding.UTF8.GetString(content);
        var project = Path.GetFileNameWithoutExtension(path.Replace('\\', '/').Split('/')[^1]);
        var student = StudentComments.Aggregate(text, (t, c) => t.Replace(c.Reference, c.Student.Replace("{project}", project, StringComparison.Ordinal), StringComparison.Ordinal));
        return student == text ? content : Encoding.UTF8.GetBytes(student);
    }

    /// <summary>
    /// One variant of <paramref name="source"/> per solution region, with only that region stubbed, named
    /// like the stub ("Type.Member") with its line: <c>course validate</c> checks that a test guards each one.
    /// </summary>
    public static IReadOnlyList<(string Region, string Source)> SingleRegionStubs(string source, string path) =>
        SingleRegionStubsWithLines(source, path).Select(s => (s.Region, s.Source)).ToList();

    /// <summary><see cref="SingleRegionStubs"/> with the lines (1-based, markers included) each region spans in <paramref name="source"/>.</summary>
    public static IReadOnlyList<(string Region, string Source, int FirstLine, int LastLine)> SingleRegionStubsWithLines(string source, string path)
    {
        if (!SolutionRegionFinder.MayContainMarkers(source))
            return [];
        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path);
        var (regions, errors) = SolutionRegionFinder.Find(tree.GetRoot(), path);
        if (errors.Count > 0)
            throw new StarterGenerationException([.. errors]);
        return regions
            .Select(region => (
                Region: $"{StubMessage.For(region).Split(':')[0]} ({path}:{region.Begin.Line})",
                Source: new StarterRewriter([region]).Visit(tree.GetRoot()).ToFullString(),
                FirstLine: region.Begin.Line,
                LastLine: region.End.Line))
            .ToList();
    }

    /// <summary>The rewritten source, or null when the file has no solution region.</summary>
    private static string? Rewrite(string source, string path)
    {
        if (!SolutionRegionFinder.MayContainMarkers(source))
            return null;

        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions, path);
        var (regions, markerErrors) = SolutionRegionFinder.Find(tree.GetRoot(), path);
        if (regions.Count == 0 && markerErrors.Count == 0)
            return null;
        List<MarkerError> errors = [.. SyntaxErrors(tree, path), .. markerErrors];
        if (errors.Count > 0)
            throw new StarterGenerationException(errors);

        var starter = new StarterRewriter(regions).Visit(tree.GetRoot()).ToFullString();
        var starterErrors = SyntaxErrors(CSharpSyntaxTree.ParseText(starter, ParseOptions, path), path);
        if (starterErrors.Count > 0)
            throw new StarterGenerationException([.. starterErrors.Select(e => e with
            {
                Message = "the generated starter does not parse (does a #if or #region cross a solution region?): " + e.Message,
            })]);
        return starter;
    }

    private static List<MarkerError> SyntaxErrors(SyntaxTree tree, string path) =>
        tree.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => new MarkerError(path, d.Location.GetLineSpan().StartLinePosition.Line + 1, $"{d.Id}: {d.GetMessage()}"))
            .ToList();
}
