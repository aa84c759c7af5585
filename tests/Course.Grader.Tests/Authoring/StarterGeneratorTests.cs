using Course.Grader.Authoring;

namespace Course.Grader.Tests.Authoring;

public class StarterGeneratorTests
{
    private static string Generate(string source) => StarterGenerator.GenerateSource(source, "Demo.cs");

    private static IReadOnlyList<MarkerError> ErrorsOf(string source) =>
        Assert.Throws<StarterGenerationException>(() => Generate(source))!.Errors;

    [Test]
    public void Given_a_marked_region_When_generated_Then_it_becomes_a_throw_with_the_member_and_hint()
    {
        var starter = Generate("""
            public class AttentionHead
            {
                public int forward(int x)
                {
                    var unchanged = 1;
                    // BEGIN SOLUTION: Scale the scores by 1/sqrt(d_head) before masking.
                    var scores = x * unchanged;
                    return scores;
                    // END SOLUTION
                }
            }
            """);

        Assert.That(starter, Is.EqualTo("""
            public class AttentionHead
            {
                public int forward(int x)
                {
                    var unchanged = 1;
                    throw new NotImplementedException("AttentionHead.forward: Scale the scores by 1/sqrt(d_head) before masking.");
                }
            }
            """));
    }

    [Test]
    public void Given_no_hint_When_generated_Then_the_message_names_the_member_and_asks_for_an_implementation()
    {
        var starter = Generate("""
            namespace Demo.Inner;
            class Outer
            {
                class Mask
                {
                    int Build()
                    {
                        // BEGIN SOLUTION
                        return 1;
                        // END SOLUTION
                    }
                }
            }
            """);

        Assert.That(starter, Does.Contain("""throw new NotImplementedException("Outer.Mask.Build: TODO: implement this.");"""));
    }

    [Test]
    public void Given_a_hint_with_quotes_and_backslashes_When_generated_Then_the_literal_is_escaped_and_reads_back_as_the_hint()
    {
        var starter = Generate("""
            class C
            {
                void M()
                {
                    // BEGIN SOLUTION: Use "softmax" over dim -1, not C:\tmp\{x}.
                    // END SOLUTION
                }
            }
            """);

        Assert.That(starter, Does.Contain("""("C.M: Use \"softmax\" over dim -1, not C:\\tmp\\{x}.")"""));
        var literal = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(starter).GetRoot().DescendantNodes()
            .OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LiteralExpressionSyntax>().Single();
        Assert.That(literal.Token.ValueText, Is.EqualTo("""C.M: Use "softmax" over dim -1, not C:\tmp\{x}."""));
    }

    [Test]
    public void Given_doc_comments_attributes_usings_and_odd_formatting_When_generated_Then_everything_outside_the_region_is_kept_verbatim()
    {
        const string before = """
            using System.Diagnostics;
            using   System.Text ;

            namespace Demo;

            /// <summary>The causal mask.</summary>
            [DebuggerDisplay("mask")]
            public sealed class CausalMask
            {
                /// <summary>Builds it.</summary>
                /// <param name="n">Sequence length.</param>
                [Obsolete("old")]   public static bool[] Build( int n )   // keep this comment
                {
            	    var keep = n ;  /* tab-indented */
                    // A comment the TA wants students to see.
            """;
        const string after = """
                }

                public int Unmarked() => 42;
            }
            """;
        var starter = Generate(before + "\n        // BEGIN SOLUTION: Mask above the diagonal.\n        return new bool[keep];\n        // END SOLUTION\n" + after);

        Assert.That(starter, Is.EqualTo(
            before + "\n        throw new NotImplementedException(\"CausalMask.Build: Mask above the diagonal.\");\n" + after));
    }

    [Test]
    public void Given_a_file_without_markers_When_generated_Then_its_bytes_are_unchanged()
    {
        byte[] content = [0xEF, 0xBB, 0xBF, .. "class C\r\n{\r\n    int M() { return 1; }  \r\n}"u8];

        Assert.That(StarterGenerator.GenerateFile("C.cs", content), Is.EqualTo(content));
    }

    [Test]
    public void Given_a_non_csharp_file_When_generated_Then_its_bytes_are_unchanged_even_if_it_mentions_markers()
    {
        var content = "<!-- // BEGIN SOLUTION -->\n"u8.ToArray();

        Assert.That(StarterGenerator.GenerateFile("Hw.csproj", content), Is.EqualTo(content));
    }

    [Test]
    public void Given_CRLF_line_endings_and_a_BOM_When_generated_Then_both_are_kept()
    {
        var source = "class C\r\n{\r\n    void M()\r\n    {\r\n        // BEGIN SOLUTION\r\n        M();\r\n        // END SOLUTION\r\n    }\r\n}\r\n";
        byte[] content = [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(source)];

        var starter = StarterGenerator.GenerateFile("C.cs", content);

        Assert.That(starter[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(System.Text.Encoding.UTF8.GetString(starter[3..]), Is.EqualTo(
            "class C\r\n{\r\n    void M()\r\n    {\r\n        throw new NotImplementedException(\"C.M: TODO: implement this.\");\r\n    }\r\n}\r\n"));
    }

    [Test]
    public void Given_marker_words_in_a_string_or_doc_comment_When_generated_Then_they_are_not_markers()
    {
        const string source = """
            class C
            {
                /// <remarks>Write // BEGIN SOLUTION in the reference.</remarks>
                string M()
                {
                    return "// BEGIN SOLUTION";
                }
            }
            """;

        Assert.That(Generate(source), Is.EqualTo(source));
    }

    [Test]
    public void Given_two_regions_in_one_file_When_generated_Then_both_become_throws()
    {
        var starter = Generate("""
            class C
            {
                int A()
                {
                    // BEGIN SOLUTION: first
                    return 1;
                    // END SOLUTION
                }

                int B()
                {
                    // BEGIN SOLUTION: second
                    return 2;
                    // END SOLUTION
                }
            }
            """);

        Assert.That(starter, Does.Contain("""throw new NotImplementedException("C.A: first");"""));
        Assert.That(starter, Does.Contain("""throw new NotImplementedException("C.B: second");"""));
        Assert.That(starter, Does.Not.Contain("return"));
    }

    [Test]
    public void Given_an_empty_region_When_generated_Then_it_still_becomes_a_throw()
    {
        var starter = Generate("""
            class C
            {
                void M()
                {
                    // BEGIN SOLUTION: do it
                    // END SOLUTION
                }
            }
            """);

        Assert.That(starter, Does.Contain("""
                void M()
                {
                    throw new NotImplementedException("C.M: do it");
                }
            """));
    }

    [TestCase("""
        class Model
        {
            Model()
            {
                // BEGIN SOLUTION: init
                // END SOLUTION
            }
        }
        """, "Model constructor: init")]
    [TestCase("""
        class Model
        {
            int Scale
            {
                get
                {
                    // BEGIN SOLUTION: init
                    return 1;
                    // END SOLUTION
                }
            }
        }
        """, "Model.Scale.get: init")]
    [TestCase("""
        class Model
        {
            int scale;
            int Scale { get => scale; set { // not a marker
                    // BEGIN SOLUTION: init
                    scale = value;
                    // END SOLUTION
                } }
        }
        """, "Model.Scale.set: init")]
    [TestCase("""
        class Model
        {
            System.Func<int, int> forward()
            {
                return x =>
                {
                    // BEGIN SOLUTION: init
                    return x;
                    // END SOLUTION
                };
            }
        }
        """, "Model.forward: init")]
    [TestCase("""
        class Model
        {
            int forward()
            {
                return softmax(1);

                int softmax(int x)
                {
                    // BEGIN SOLUTION: init
                    return x;
                    // END SOLUTION
                }
            }
        }
        """, "Model.forward.softmax: init")]
    public void Given_a_region_in_any_block_body_When_generated_Then_the_stub_names_where_it_is(string source, string message)
    {
        Assert.That(Generate(source), Does.Contain($"throw new NotImplementedException(\"{message}\");"));
    }

    [Test]
    public void Given_code_after_END_in_the_same_block_When_generated_Then_it_fails_naming_the_END_line()
    {
        var errors = ErrorsOf("""
            class C
            {
                int M()
                {
                    // BEGIN SOLUTION
                    var x = 1;
                    // END SOLUTION
                    return x;
                }
            }
            """);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].ToString(), Does.StartWith("Demo.cs:7: code follows END SOLUTION (region opened at line 5)"));
        Assert.That(errors[0].Message, Does.Contain("unreachable"));
    }

    [Test]
    public void Given_a_BEGIN_without_END_When_generated_Then_it_fails_naming_the_BEGIN_line()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M()
                {
                    // BEGIN SOLUTION
                    M();
                }
            }
            """);

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "Demo.cs:5: BEGIN SOLUTION has no matching END SOLUTION before the end of its block",
        }));
    }

    [Test]
    public void Given_an_END_without_BEGIN_When_generated_Then_it_fails_naming_the_END_line()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M()
                {
                    M();
                    // END SOLUTION
                }
            }
            """);

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "Demo.cs:6: END SOLUTION without a matching BEGIN SOLUTION in the same block",
        }));
    }

    [Test]
    public void Given_BEGIN_and_END_in_different_blocks_When_generated_Then_both_are_reported_unpaired()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M(bool b)
                {
                    // BEGIN SOLUTION
                    if (b)
                    {
                        M(b);
                        // END SOLUTION
                    }
                }
            }
            """);

        Assert.That(errors.Select(e => e.Line), Is.EqualTo(new[] { 5, 9 }));
    }

    [Test]
    public void Given_a_region_nested_in_the_same_block_When_generated_Then_it_fails()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M()
                {
                    // BEGIN SOLUTION
                    // BEGIN SOLUTION
                    M();
                    // END SOLUTION
                }
            }
            """);

        Assert.That(errors.Select(e => e.ToString()), Has.Some.StartsWith("Demo.cs:6: BEGIN SOLUTION inside the region opened at line 5; regions cannot nest"));
    }

    [Test]
    public void Given_a_region_nested_in_an_inner_block_When_generated_Then_it_fails()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M(bool b)
                {
                    // BEGIN SOLUTION
                    if (b)
                    {
                        // BEGIN SOLUTION
                        M(b);
                        // END SOLUTION
                    }
                    // END SOLUTION
                }
            }
            """);

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "Demo.cs:8: BEGIN SOLUTION inside the region opened at line 5; regions cannot nest",
        }));
    }

    [TestCase("""
        class C
        {
            void M()
            {
                M(); // BEGIN SOLUTION
                // END SOLUTION
            }
        }
        """, 5, TestName = "marker after code on the same line")]
    [TestCase("""
        class C
        {
            int M() =>
                // BEGIN SOLUTION
                1;
                // END SOLUTION
        }
        """, 4, TestName = "marker in an expression-bodied member")]
    [TestCase("""
        class C
        {
            int M(int x)
            {
                switch (x)
                {
                    default:
                        // BEGIN SOLUTION
                        return 1;
                        // END SOLUTION
                }
            }
        }
        """, 8, TestName = "marker in a switch section")]
    public void Given_a_marker_outside_a_statement_boundary_of_a_block_When_generated_Then_it_fails_naming_its_line(string source, int line)
    {
        var errors = ErrorsOf(source);

        Assert.That(errors[0].Line, Is.EqualTo(line));
        Assert.That(errors[0].Message, Does.Contain("must be on its own line directly inside a block body"));
    }

    [TestCase("// BEGIN SOLUTIONS")]
    [TestCase("// BEGIN SOLUTION - no colon")]
    [TestCase("// END SOLUTION: with text")]
    [TestCase("// begin solution")]
    [TestCase("// BEGIN  SOLUTION")]
    [TestCase("/* BEGIN SOLUTION */")]
    public void Given_a_misspelt_marker_When_generated_Then_it_fails_instead_of_leaking_the_solution(string marker)
    {
        var errors = ErrorsOf($$"""
            class C
            {
                void M()
                {
                    {{marker}}
                }
            }
            """);

        Assert.That(errors.Select(e => e.ToString()), Has.Some.StartsWith($"Demo.cs:5: malformed marker '{marker}'"));
    }

    [Test]
    public void Given_a_region_that_a_preprocessor_region_crosses_When_generated_Then_it_fails_instead_of_writing_broken_code()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M()
                {
                    // BEGIN SOLUTION
                    #region work
                    M();
                    // END SOLUTION
                }
                #endregion
            }
            """);

        Assert.That(errors[0].Message, Does.StartWith("the generated starter does not parse"));
    }

    [Test]
    public void Given_a_syntax_error_in_a_marked_file_When_generated_Then_it_is_reported_with_its_line()
    {
        var errors = ErrorsOf("""
            class C
            {
                void M()
                {
                    // BEGIN SOLUTION
                    M(
                    // END SOLUTION
                }
            }
            """);

        Assert.That(errors, Is.Not.Empty);
        Assert.That(errors.Select(e => e.Line), Has.All.InRange(6, 8));
    }

    [Test]
    public void Given_a_reference_project_file_When_generated_Then_its_comment_describes_the_students_project_and_the_rest_is_unchanged()
    {
        var reference = "\uFEFF<Project Sdk=\"Microsoft.NET.Sdk\">\n  <!-- Homework 9: demo. The reference solution; the starter is generated from it by `course sync`. -->\n  <PropertyGroup />\n</Project>\n";

        var starter = System.Text.Encoding.UTF8.GetString(StarterGenerator.GenerateFile("reference/hw9-demo/Hw9.Demo/Hw9.Demo.csproj", System.Text.Encoding.UTF8.GetBytes(reference)));

        Assert.That(starter, Is.EqualTo(reference.Replace("The reference solution; the starter is generated from it by `course sync`.",
            "Your project: implement each part that throws NotImplementedException; the tests in Hw9.Demo.Tests check them (`dotnet test`).")));
        var props = System.Text.Encoding.UTF8.GetBytes("<Project>\n  <!-- The reference of nothing. -->\n</Project>\n");
        Assert.That(StarterGenerator.GenerateFile("Directory.Build.props", props), Is.SameAs(props));
    }
}
