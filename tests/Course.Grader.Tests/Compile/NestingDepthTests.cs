using Course.Grader.Compile;

namespace Course.Grader.Tests.Compile;

/// <summary>
/// The stack guard: code nested past <see cref="NestingDepth.MaxDepth"/> is refused from its tokens before the compiler's
/// parser, which recurses once a level, reads it (20,000 levels overflowed the grader's stack); code as written is not.
/// Nothing here parses the deep code: only the check reads it.
/// </summary>
public class NestingDepthTests
{
    static CompileDiagnostic? Check(string code) => NestingDepth.Check([new SourceFile("Student.cs", code)]);

    static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));

    [TestCase("public static class Deep { public static System.Collections.Generic.List<{0}int{1}>? F; }", "System.Collections.Generic.List<", ">", TestName = "Given_type_arguments_nested_deep_When_checked_Then_it_is_refused")]
    [TestCase("public static class Deep { public static ({0}int, int{1}) F; }", "(int, ", ")", TestName = "Given_a_tuple_type_nested_deep_When_checked_Then_it_is_refused")]
    [TestCase("public static class Deep { public static int F = {0}1{1}; }", "(", ")", TestName = "Given_parentheses_nested_deep_When_checked_Then_it_is_refused")]
    [TestCase("public static class Deep { public static bool F(object o) => o is {0}1{1}; }", "(", ")", TestName = "Given_a_pattern_nested_deep_When_checked_Then_it_is_refused")]
    [TestCase("public static class Deep { public static int[] F = {0}1{1}; }", "[", "]", TestName = "Given_collection_expressions_nested_deep_When_checked_Then_it_is_refused")]
    [TestCase("public static class Deep { public static string F = {0}\"x\"{1}; }", "$\"{", "}\"", TestName = "Given_interpolated_strings_nested_deep_When_checked_Then_it_is_refused")]
    public void Given_code_nested_deep(string shape, string open, string close)
    {
        var code = shape.Replace("{0}", Repeat(open, 20_000), StringComparison.Ordinal).Replace("{1}", Repeat(close, 20_000), StringComparison.Ordinal);

        var diagnostic = Check(code);

        Assert.That(diagnostic, Is.Not.Null);
        Assert.That((diagnostic!.File, diagnostic.Line, diagnostic.Severity, diagnostic.Id), Is.EqualTo(("Student.cs", 1, CompileSeverity.Error, "COURSE0004")));
        Assert.That(diagnostic.Message, Does.StartWith("code nested more than 256 levels deep"));
    }

    [Test]
    public void Given_ordinary_code_with_comparisons_generics_and_unbalanced_text_When_checked_Then_it_is_allowed()
    {
        var comparisons = string.Join(" && ", Enumerable.Range(0, 100).Select(i => $"x < {i}"));
        var code = string.Join("\n",
            "using System.Collections.Generic;",
            "using System.Linq;",
            "// a comment with an opening bracket ( [ { < that never closes",
            "public static class Ok",
            "{",
            "    static readonly string Text = \"(((((([[[[{{{{<<<<\"; // unbalanced in a string",
            "    static Dictionary<string, List<(int, double[])>> Table() => new();",
            $"    static bool Small(int x) => {comparisons};",
            "    static int Shift(int x) => (x >> 2) + (x << 1) + (x >>> 3);",
            "    static string Name(int i) => $\"{i}: {(i < 3 ? \"low\" : \"high\")} {{literal}}\";",
            "    static int Sum(int[][] xs) => xs.Select(row => row.Where(v => v > 0 && v < 10).Sum()).Sum();",
            "}");

        Assert.That(Check(code + Repeat("\n// (\n", 1000) + Repeat("public static class K { static bool F(int a, int b) => a < b; }\n", 500)), Is.Null);
        Assert.That(Check(Repeat("(", 256) + "1" + Repeat(")", 256)), Is.Null, "256 levels are allowed");
        Assert.That(Check(Repeat("(", 257) + "1" + Repeat(")", 257))?.Id, Is.EqualTo("COURSE0004"), "257 are not");
    }

    [Test]
    public void Given_interpolated_strings_nested_deeper_than_the_parser_reads_When_checked_Then_the_lexer_reads_them_on_a_thread_of_its_own()
    {
        // The lexer reads interpolated strings inside one another by recursion, one level per nesting: 20,000 levels would
        // overflow a thread pool thread's stack, and the check's thread holds them. (Its time grows faster than the depth: the
        // 200,000 levels a 1 MiB file could hold take minutes, and the compile's time limit stops them.)
        var code = "class C { string F = " + Repeat("$\"{", 20_000) + "\"x\"" + Repeat("}\"", 20_000) + "; }";

        Assert.That(Check(code)?.Id, Is.EqualTo("COURSE0004"));
    }
}
