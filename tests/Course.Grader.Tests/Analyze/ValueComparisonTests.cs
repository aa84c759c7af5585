using Basic.Reference.Assemblies;
using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// Homework code may not write a method the runtime calls to compare values (<see cref="ValueComparison"/>): such a method
/// could call a result equal to whatever a test's assertion compares it with.
/// </summary>
public class ValueComparisonTests
{
    static readonly CSharpCompilationOptions Options = new(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);

    /// <param name="library">Code of a library the homework references and may use (namespace <c>Library</c>), or null for none.</param>
    static IReadOnlyList<AnalysisFinding> Violations(string student, string? library = null)
    {
        MetadataReference[] references = [.. Net100.References.All];
        if (library is not null)
        {
            using var image = new MemoryStream();
            var emitted = CSharpCompilation.Create("Library", [CSharpSyntaxTree.ParseText(library)], references, Options).Emit(image);
            Assert.That(emitted.Success, Is.True, () => string.Join("\n", emitted.Diagnostics));
            references = [.. references, MetadataReference.CreateFromImage(image.ToArray())];
        }
        var compilation = CSharpCompilation.Create("Homework", [CSharpSyntaxTree.ParseText(student, path: "Student.cs")], references, Options);
        Assert.That(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty, "the homework compiles");
        // The library is allowed, as a manifest allows a given library's namespace.
        return [.. AnalyzeStage.Analyze(compilation, SandboxPolicy.For([new AllowedApi("N:Library", "a given library")]), []).Violations];
    }

    [TestCase("a list that is equal to anything", 3, "System.IEquatable<object>.Equals(object?)", """
        public sealed class Liar : System.Collections.Generic.List<double>, System.IEquatable<object>
        {
            public new bool Equals(object? other) => true;
        }
        """)]
    [TestCase("an override of object.Equals", 3, "object.Equals(object?)", """
        public sealed class Pair
        {
            public override bool Equals(object? other) => true;
            public override int GetHashCode() => 0;
        }
        """)]
    [TestCase("an override of object.GetHashCode", 4, "object.GetHashCode()", """
        public sealed class Pair
        {
            public override bool Equals(object? other) => true;
            public override int GetHashCode() => 0;
        }
        """)]
    [TestCase("a record's own equality", 1, "System.IEquatable<MinimalPair>.Equals(MinimalPair?)", """
        public sealed record MinimalPair(string Clean, string Corrupted) { public bool Equals(MinimalPair? other) => true; public override int GetHashCode() => 0; }
        """)]
    [TestCase("an ordering", 3, "System.IComparable.CompareTo(object?)", """
        public sealed class Loss : System.IComparable
        {
            public int CompareTo(object? other) => -1;
        }
        """)]
    [TestCase("a generic ordering, written explicitly", 3, "System.IComparable<Loss>.CompareTo(Loss?)", """
        public sealed class Loss : System.IComparable<Loss>
        {
            int System.IComparable<Loss>.CompareTo(Loss? other) => -1;
        }
        """)]
    [TestCase("a structural equality", 3, "System.Collections.IStructuralEquatable.Equals(object?, System.Collections.IEqualityComparer)", """
        public sealed class Row : System.Collections.IStructuralEquatable
        {
            public bool Equals(object? other, System.Collections.IEqualityComparer comparer) => true;
            public int GetHashCode(System.Collections.IEqualityComparer comparer) => 0;
        }
        """)]
    [TestCase("an interface's default method, for every type that implements it", 3, "System.IEquatable<object>.Equals(object?)", """
        public interface IResult : System.IEquatable<object>
        {
            bool System.IEquatable<object>.Equals(object? other) => true;
        }
        public sealed class Result : IResult { }
        """)]
    [TestCase("a method of a homework base type that a derived type's interface takes up", 3, "System.IEquatable<object>.Equals(object?)", """
        public class Base
        {
            public new bool Equals(object? other) => true;
        }
        public sealed class Derived : Base, System.IEquatable<object> { }
        """)]
    public void Given_homework_code_that_writes_how_its_values_compare_Then_it_is_refused_where_the_comparison_is_written(string what, int line, string api, string code)
    {
        var violations = Violations(code);

        Assert.That(violations.Select(v => (v.Line, v.Api)), Does.Contain((line, api)), () => $"{what}:\n{string.Join("\n", violations)}");
        Assert.That(violations, Has.All.Property(nameof(AnalysisFinding.Kind)).EqualTo(FindingKind.SandboxViolation));
        Assert.That(violations.First().Message, Does.StartWith("Homework types may not define their own equality or ordering"));
    }

    [Test]
    public void Given_an_override_of_a_library_method_that_implements_a_comparison_Then_it_is_refused()
    {
        var violations = Violations("""
            public sealed class Liar : Library.Row
            {
                public override bool Equals(Library.Row? other) => true;
            }
            """, library: """
            namespace Library;
            public class Row : System.IEquatable<Row>
            {
                public virtual bool Equals(Row? other) => other is not null;
            }
            """);

        Assert.That(violations.Select(v => (v.Line, v.Api)), Is.EqualTo(new[] { (3, "System.IEquatable<Library.Row>.Equals(Library.Row?)") }),
            () => string.Join("\n", violations));
    }

    [Test]
    public void Given_records_tuples_structs_anonymous_types_and_comparers_built_from_keys_Then_nothing_is_refused()
    {
        var violations = Violations("""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            public sealed record MinimalPair(string Clean, string Corrupted);
            public record Base(int Layer);
            public sealed record Head(int Layer, int Index) : Base(Layer);
            public readonly record struct Cell(int Row, int Column);
            public struct Point { public double X; public double Y; }
            public static class Uses
            {
                public static bool Same(MinimalPair a, MinimalPair b) => a == b && a.Equals(b) && a.GetHashCode() == b.GetHashCode();
                public static bool Tuples((int, string) a, (int, string) b) => a.Equals(b) && new { a.Item1 }.Equals(new { b.Item1 });
                public static int Compare(double a, double b) => a.CompareTo(b) + Comparer<double>.Default.Compare(a, b);
                public static List<Head> Ordered(IEnumerable<Head> heads) => heads.OrderBy(h => h.Layer).ThenBy(h => h.Index).ToList();
                public static void Sort(List<Head> heads) => heads.Sort(Comparer<Head>.Create((a, b) => a.Index.CompareTo(b.Index)));
                public static bool Points(Point a, Point b) => a.Equals(b);
                public static bool Cells(Cell a, Cell b) => a == b;
            }
            """);

        Assert.That(violations, Is.Empty, () => string.Join("\n", violations));
    }
}
