using Basic.Reference.Assemblies;
using Course.Grader.Authoring;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Tests.Authoring;

public class StarterCompilationTests
{
    // A reference shaped like a homework: regions in methods, a constructor, accessors, a lambda and a local function,
    // around unmarked code that must survive. Note the field is read outside a region too: a private field used only
    // inside regions would make the starter warn (CS0169/CS0414), and warnings are errors here.
    private const string Reference = """
        using System.Collections.Generic;

        namespace Hw.Demo;

        /// <summary>A toy module with solution regions in every kind of block body.</summary>
        public sealed class Scorer
        {
            private readonly double scale;

            /// <summary>Creates the scorer.</summary>
            public Scorer(int dHead)
            {
                scale = 1.0 / Math.Sqrt(dHead);
                // BEGIN SOLUTION: Reject a non-positive d_head.
                if (dHead <= 0)
                    throw new ArgumentOutOfRangeException(nameof(dHead));
                // END SOLUTION
            }

            public double Scale => scale;

            public bool IsSharp
            {
                get
                {
                    // BEGIN SOLUTION
                    return scale > 0.5;
                    // END SOLUTION
                }
            }

            /// <summary>Softmax over <paramref name="scores"/>.</summary>
            public IReadOnlyList<double> Softmax(IReadOnlyList<double> scores)
            {
                var max = scores.Max();
                // BEGIN SOLUTION: Subtract the max for stability.
                var exp = scores.Select(s => Math.Exp((s - max) * scale)).ToList();
                var total = exp.Sum();
                return exp.Select(e => e / total).ToList();
                // END SOLUTION
            }

            public Func<double, double> Scaler()
            {
                return x =>
                {
                    // BEGIN SOLUTION
                    return x * scale;
                    // END SOLUTION
                };
            }

            public double Mean(IEnumerable<double> xs)
            {
                return mean(xs.ToList());

                static double mean(List<double> list)
                {
                    // BEGIN SOLUTION
                    return list.Sum() / list.Count;
                    // END SOLUTION
                }
            }
        }
        """;

    [Test]
    public void Given_a_reference_that_compiles_When_its_starter_is_generated_Then_the_starter_compiles_without_warnings()
    {
        Assert.That(Problems(Reference), Is.Empty, "the reference itself must compile cleanly");

        var starter = StarterGenerator.GenerateSource(Reference, "Scorer.cs");

        Assert.That(starter, Does.Contain("throw new NotImplementedException"));
        Assert.That(Problems(starter), Is.Empty);
    }

    /// <summary>Errors and warnings (which are errors in this repo) of a library built from the source with implicit usings.</summary>
    private static IEnumerable<string> Problems(string source)
    {
        const string implicitUsings = "global using System; global using System.Linq; global using System.Collections.Generic;";
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var compilation = CSharpCompilation.Create(
            "Hw.Demo",
            [CSharpSyntaxTree.ParseText(source, options, "Scorer.cs"), CSharpSyntaxTree.ParseText(implicitUsings, options, "Usings.cs")],
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString());
    }
}
