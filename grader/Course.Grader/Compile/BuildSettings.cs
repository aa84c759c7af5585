using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Compile;

/// <summary>
/// The compiler settings of the course's projects (Directory.Build.props): C# latest, nullable on,
/// the SDK's implicit usings, net10.0. Unlike the real build, warnings stay warnings: a student's
/// warning must not cost a grade.
/// </summary>
static class BuildSettings
{
    public const string GeneratedFilePath = "(generated)/GlobalUsings.g.cs";

    /// <summary>Microsoft.NET.Sdk's implicit usings.</summary>
    static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    static readonly string[] PreprocessorSymbols =
        ["TRACE", "RELEASE", "NET", "NET10_0", "NETCOREAPP", .. Enumerable.Range(5, 6).Select(v => $"NET{v}_0_OR_GREATER")];

    public static readonly CSharpParseOptions ParseOptions =
        new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Regular, PreprocessorSymbols);

    public static readonly CSharpCompilationOptions CompilationOptions =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithDeterministic(true)
            .WithWarningLevel(9999)
            .WithGeneralDiagnosticOption(ReportDiagnostic.Default);

    public static SyntaxTree Parse(SourceFile file) =>
        CSharpSyntaxTree.ParseText(file.Text, ParseOptions, file.Path, System.Text.Encoding.UTF8);

    /// <summary>What the SDK generates into every project: global usings and the target framework attribute.</summary>
    public static SyntaxTree GeneratedTree(IEnumerable<string> extraUsings)
    {
        var usings = ImplicitUsings.Concat(extraUsings).Distinct(StringComparer.Ordinal).Select(ns => $"global using global::{ns};");
        var text = string.Join('\n', usings) +
                   "\n[assembly: global::System.Runtime.Versioning.TargetFrameworkAttribute(\".NETCoreApp,Version=v10.0\", FrameworkDisplayName = \".NET 10.0\")]\n";
        return CSharpSyntaxTree.ParseText(text, ParseOptions, GeneratedFilePath, System.Text.Encoding.UTF8);
    }
}
