using Course.Grader.Compile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Tests.Compile;

/// <summary>
/// The constant-string bomb guard: constants folded from other constants are measured from the syntax before the compiler
/// spells them out, and a submission whose constants could hold more than <see cref="ConstantFolding.MaxCharacters"/> is a
/// compile error; ordinary constants compile as before.
/// </summary>
public class ConstantFoldingTests
{
    static CompileDiagnostic? Check(string code) => ConstantFolding.Check([CSharpSyntaxTree.ParseText(code, path: "Student.cs")]);

    /// <summary>Constants that each double the one before, from a first of <paramref name="first"/>.</summary>
    internal static string Doubling(int lines, string first = "\"0123456789abcdef\"", bool local = false)
    {
        var declarations = string.Concat(Enumerable.Range(1, lines).Select(k => $"    {(local ? "    " : "")}const string C{k} = C{k - 1} + C{k - 1};\n"));
        return local
            ? $"static class Bomb\n{{\n    static int Go()\n    {{\n        const string C0 = {first};\n{declarations}        return C{lines}.Length;\n    }}\n}}\n"
            : $"static class Bomb\n{{\n    const string C0 = {first};\n{declarations}    public static int Length => C{lines}.Length;\n}}\n";
    }

    [Test]
    public void Given_constants_that_name_each_other_a_few_times_When_checked_Then_they_are_allowed()
    {
        Assert.That(Check("""
            static class Names
            {
                const string Prefix = "hw9";
                const string Model = Prefix + ".tiny-gpt";
                const string Hook = Model + ".blocks." + nameof(Hook) + ".hook_resid_pre";
                public const int Layers = 2;
                static string[] All => [Prefix, Model, Hook, Hook + Hook, $"{Model}:{Hook}"];
                static int Go() { const string local = Hook + Prefix; return local.Length + Layers; }
            }
            """), Is.Null);
        Assert.That(Check(Doubling(16)), Is.Null, "2^16 × 16 characters, a megabyte, is within the limit");
    }

    [Test]
    public void Given_constants_that_each_double_the_last_When_checked_Then_it_is_refused_at_the_largest()
    {
        var diagnostic = Check(Doubling(26));

        Assert.That(diagnostic, Is.Not.Null);
        Assert.That((diagnostic!.File, diagnostic.Line, diagnostic.Severity, diagnostic.Id), Is.EqualTo(("Student.cs", 29, CompileSeverity.Error, "COURSE0002")));
        Assert.That(diagnostic.Message, Does.StartWith("constant strings built from other constants could make the compiler spell out up to ")
            .And.Contain("(the limit is 16,777,216), C26 up to ").And.EndWith("; build long strings at run time instead"));
    }

    [TestCase("nameof(System.StringComparison.OrdinalIgnoreCase)", false, TestName = "Given_a_nameof_doubled_in_fields_When_checked_Then_it_is_refused")]
    [TestCase("\"x\"", true, TestName = "Given_local_constants_that_each_double_the_last_When_checked_Then_it_is_refused")]
    [TestCase("$\"ab{\"cd\"}\"", false, TestName = "Given_a_constant_interpolated_string_doubled_When_checked_Then_it_is_refused")]
    public void Given_another_way_to_spell_the_first_constant(string first, bool local)
    {
        var diagnostic = Check(Doubling(30, first, local));

        Assert.That(diagnostic?.Id, Is.EqualTo("COURSE0002"));
    }

    [Test]
    public void Given_a_long_constant_spelled_out_many_times_When_checked_Then_the_total_is_refused()
    {
        var uses = string.Join(", ", Enumerable.Repeat("C14", 80));

        var diagnostic = Check(Doubling(14).Replace("public static int Length", $"static string[] Many => [{uses}];\n    public static int Length", StringComparison.Ordinal));

        Assert.That(diagnostic?.Id, Is.EqualTo("COURSE0002"), "80 uses of a 262,144-character constant: 21 million characters in all, though each is small");
    }

    [Test]
    public void Given_constants_defined_through_each_other_When_checked_Then_the_measure_ends()
    {
        Assert.That(Check("""
            static class Circle
            {
                const string A = B + "a";
                const string B = A + "b";
            }
            """), Is.Null, "the compiler reports the cycle; the measure must not recurse forever on it");
    }

    /// <summary>
    /// The measure counts a constant as its source text and the constants it names; an alignment or format in a constant
    /// interpolated string would pad it beyond that. C# allows neither there: if a compiler ever does, this fails.
    /// </summary>
    [TestCase("$\"{C0,100000}\"")]
    [TestCase("$\"{C0:D100000}\"")]
    public void Given_an_interpolated_constant_with_an_alignment_or_format_When_compiled_Then_it_is_not_a_constant(string padded)
    {
        var compilation = CSharpCompilation.Create("Padded", [CSharpSyntaxTree.ParseText($"static class P {{ const string C0 = \"x\"; const string C1 = {padded}; }}")],
            Basic.Reference.Assemblies.Net100.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id), Does.Contain("CS0133"),
            "CS0133: the expression being assigned must be constant");
    }

    [Test]
    public void Given_constants_that_each_double_the_last_When_compiled_Then_the_compile_fails_before_it_spells_them_out()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = CompileStage.Compile(new CompileRequest(new AssemblySources("Bomb", [new SourceFile("Bomb.cs", Doubling(27))]), [],
            TinyHomework.Worker.Value.LibraryAssemblies));

        Assert.That(result.Homework.Assembly, Is.Null);
        Assert.That(result.Homework.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "COURSE0002" }));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), "2 GB of text is never made: the compiler does not emit");
    }
}
