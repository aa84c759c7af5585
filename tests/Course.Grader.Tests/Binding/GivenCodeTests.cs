using Course.Grader.Binding;
using Course.Grader.Compile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Tests.Binding;

/// <summary>
/// The homework project's given files compile with the student's, so they must call what they call in the starter: a
/// student type named as a library type they use, or a student overload of a given member, would run the student's code
/// inside trusted code. Given code that calls the student's code (a stub of the starter) may call other student code.
/// </summary>
public class GivenCodeTests
{
    const string Given = """
        using System.Collections.Generic;

        namespace Tiny.Homework;

        public static partial class Helpers
        {
            public static int Twice(object x) => 2;
        }

        public static class Sampler
        {
            public static int Draw()
            {
                var drawn = new List<int> { Helpers.Twice(1) };
                return drawn.Count + Model.Loss(3);
            }
        }
        """;

    const string Starter = """
        namespace Tiny.Homework;

        public static class Model
        {
            public static int Loss(int x) => throw new System.NotImplementedException();
        }
        """;

    static readonly IReadOnlySet<string> StudentFiles = new HashSet<string> { "Model.cs" };

    static CSharpCompilation Compile(string model, string given = Given) => CSharpCompilation.Create("Tiny.Homework",
        [CSharpSyntaxTree.ParseText(given, path: "Sampler.cs"), CSharpSyntaxTree.ParseText(model, path: "Model.cs")],
        ReferenceCache.Framework, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    static IReadOnlyList<BindingChange> Changes(string model, string given = Given)
    {
        var submission = Compile(model, given);
        Assert.That(submission.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        return GivenCode.OfStarter(Compile(Starter), StudentFiles).ChangesIn(submission, StudentFiles);
    }

    [Test]
    public void Given_a_submission_that_only_fills_in_the_starter_Then_the_given_code_binds_as_in_the_starter() =>
        Assert.That(Changes(Starter.Replace("throw new System.NotImplementedException()", "x * x", StringComparison.Ordinal)), Is.Empty);

    [Test]
    public void Given_a_student_overload_of_the_student_member_a_given_file_calls_Then_it_is_no_change()
    {
        var changes = Changes(Starter.Replace("}\n}", "}\n    public static int Loss(long x) => 1;\n}", StringComparison.Ordinal));

        Assert.That(changes, Is.Empty, "given code that calls the student's code calls the student's code either way");
    }

    [Test]
    public void Given_a_student_type_named_as_a_library_type_a_given_file_uses_Then_it_takes_that_types_place_in_the_given_file()
    {
        var changes = Changes(Starter + "\npublic class List<T> : System.Collections.Generic.List<T> { }\n");

        Assert.That(changes.Select(c => c.Describe()), Has.Some.EqualTo("your Tiny.Homework.List<int> (declared at Model.cs:7) takes the place of System.Collections.Generic.List<int> in the given Sampler.cs"));
        Assert.That(changes.Select(c => c.InGivenCode), Has.All.True);
    }

    [Test]
    public void Given_a_student_overload_of_a_given_member_that_a_given_file_calls_Then_the_given_call_is_a_change()
    {
        var changes = Changes(Starter + "\npublic static partial class Helpers { public static int Twice(int x) => 3; }\n");

        Assert.That(changes.Select(c => c.Describe()), Has.Some.EqualTo(
            "your Tiny.Homework.Helpers.Twice(int) (declared at Model.cs:7) takes the place of Tiny.Homework.Helpers.Twice(object) in the given Sampler.cs"),
            "what a given file declares is the course's, as a library's is");
    }

    [Test]
    public void Given_a_given_file_whose_text_is_not_the_starters_Then_it_is_not_compared()
    {
        // A grade compiles the starter's own given files (the workspace takes only student files from a submission); only
        // validate's float noise rewrites them, in the TA's code, which moves every place in the file.
        var changes = Changes(Starter + "\npublic class List<T> : System.Collections.Generic.List<T> { }\n", given: "// rewritten\n" + Given);

        Assert.That(changes, Is.Empty);
    }
}
