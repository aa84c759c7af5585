using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// <see cref="HomeworkEquality"/>: test code that compares a student-declared record or struct through its equality is
/// named by `course validate`; a comparison of what the test reads from it, or of a type the student does not write, is not.
/// </summary>
public class HomeworkEqualityTests
{
    const string Homework = """
        namespace Tiny.Homework;
        public sealed record Pair(string Clean, string Corrupted);
        public readonly record struct Cell(int Layer, int Head);
        public struct Plain { public int X; }
        public sealed class Holder { public int X { get; init; } }
        public static class Pairs
        {
            public static System.Collections.Generic.IReadOnlyList<Pair> Of() => [new("a", "b")];
            public static Cell First() => new(0, 0);
        }
        """;

    static IReadOnlyList<string> Problems(string statements, params string[] studentFiles)
    {
        var tests = $$"""
            using System.Linq;
            using System.Collections.Generic;
            using Course.Testing;
            using NUnit.Framework;
            using NUnit.Framework.Legacy;
            using Tiny.Homework;
            namespace Tiny.Homework.Tests;
            public class PairsTests : TorchTest
            {
                [Test, Points(1)]
                public void Compares()
                {
                    var pairs = Pairs.Of();
                    var pair = pairs[0];
                    var cell = Pairs.First();
                    var holder = new Holder();
                    {{statements}}
                }
            }
            """;
        var (homework, suites) = CompileStage.ForReading(TinyHomework.Request(Homework, tests));
        var errors = suites.SelectMany(s => s.GetDiagnostics()).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.That(errors, Is.Empty, () => string.Join("\n", errors));
        return HomeworkEquality.Problems(homework, suites, studentFiles.Length == 0 ? ["Homework.cs"] : studentFiles);
    }

    [TestCase("Assert.That(pairs, Is.EqualTo(new[] { new Pair(\"a\", \"b\") }));", "Pair", "NUnit's EqualTo")]
    [TestCase("Assert.That(pair, Is.EqualTo(new Pair(\"a\", \"b\")));", "Pair", "NUnit's EqualTo")]
    [TestCase("Assert.That(pairs, Is.EquivalentTo(Pairs.Of()));", "Pair", "NUnit's EquivalentTo")]
    [TestCase("Assert.That(pairs, Does.Contain(new Pair(\"a\", \"b\")));", "Pair", "NUnit's Contain")]
    [TestCase("Assert.That(pairs, Has.Member(pair));", "Pair", "NUnit's Member")]
    [TestCase("Assert.That(pairs, Is.Unique);", "Pair", "NUnit's Unique")]
    [TestCase("ClassicAssert.AreEqual(new Pair(\"a\", \"b\"), pair);", "Pair", "NUnit's AreEqual")]
    [TestCase("Assert.That(pair == new Pair(\"a\", \"b\"), Is.True);", "Pair", "==")]
    [TestCase("Assert.That(cell != default, Is.True);", "Cell", "!=")]
    [TestCase("Assert.That(pair.Equals(new Pair(\"a\", \"b\")), Is.True);", "Pair", "Equals")]
    [TestCase("Assert.That(pairs.Contains(new Pair(\"a\", \"b\")), Is.True);", "Pair", "Enumerable.Contains")]
    [TestCase("Assert.That(pairs.Distinct().Count(), Is.EqualTo(1));", "Pair", "Enumerable.Distinct")]
    [TestCase("Assert.That(pairs.SequenceEqual(Pairs.Of()), Is.True);", "Pair", "Enumerable.SequenceEqual")]
    [TestCase("Assert.That(new HashSet<Cell> { cell }, Has.Count.EqualTo(1));", "Cell", "a HashSet keyed by it")]
    [TestCase("Assert.That(new Dictionary<Pair, int>(), Is.Empty);", "Pair", "a Dictionary keyed by it")]
    public void Given_a_comparison_of_a_student_record_or_struct_Then_it_is_named_with_its_mend(string statement, string type, string how)
    {
        var problems = Problems(statement);

        Assert.That(problems, Has.Count.EqualTo(1), string.Join("\n", problems));
        Assert.That(problems[0], Does.Match(@"^Tiny\.Homework\.Tests: .*\.cs:\d+: Compares compares ").And.Contain($"compares {type} values with {how}: the student's file declares {type}")
            .And.EndWith("compare a projection the test builds, such as a tuple of its properties"));
    }

    [TestCase("Assert.That(pairs.Select(p => (p.Clean, p.Corrupted)), Is.EqualTo(new[] { (\"a\", \"b\") }));")]
    [TestCase("Assert.That(pairs, Has.Count.EqualTo(1));")]
    [TestCase("Assert.That(pair.Clean, Is.EqualTo(\"a\"));")]
    [TestCase("Assert.That((cell.Layer, cell.Head), Is.EqualTo((0, 0)));")]
    [TestCase("Assert.That(holder, Is.Not.EqualTo(new Holder()));")]
    [TestCase("Assert.That(pairs.Distinct(EqualityComparer<Pair>.Create((a, b) => a!.Clean == b!.Clean, p => p.Clean.GetHashCode())).Count(), Is.EqualTo(1));")]
    [TestCase("Assert.That(pair, Is.Not.Null);")]
    public void Given_what_the_test_reads_compared_or_a_type_the_student_does_not_write_Then_nothing_is_named(string statement) =>
        Assert.That(Problems(statement), Is.Empty);

    [Test]
    public void Given_the_records_in_a_file_the_student_does_not_write_Then_comparing_them_is_not_named() =>
        Assert.That(Problems("Assert.That(pair, Is.EqualTo(new Pair(\"a\", \"b\")));", "Other.cs"), Is.Empty);
}
