using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Pipeline;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// Which of validate's checks may share a run: only those whose tests cannot reach one another's changes, in lines apart,
/// on different tests, with the same noise. Each case below has a pair that must not share, found through a kind of reach
/// (a call, a field initialiser of the fixture, an indexer) that a looser reading would miss.
/// </summary>
public class RunCombinerTests
{
    const string Homework = """
        namespace Hw;

        public static class Maths
        {
            public static int Add(int a, int b)
            {
                return a + b;
            }

            public static int Twice(int a)
            {
                return Add(a, a);
            }

            public static int Negate(int a)
            {
                return -a;
            }
        }

        public sealed class Table
        {
            readonly int[] values = [1, 2, 3];

            public int this[int i]
            {
                get { return values[i]; }
            }

            public static void Warm()
            {
                System.GC.KeepAlive(new Table());
            }
        }
        """;

    const string Tests = """
        using NUnit.Framework;

        namespace Hw.Tests;

        public class MathsTests
        {
            [Test] public void Add_Adds() => Assert.That(Maths.Add(1, 2), Is.EqualTo(3));
            [Test] public void Twice_Doubles() => Assert.That(Maths.Twice(2), Is.EqualTo(4));
            [Test] public void Negate_Negates() => Assert.That(Maths.Negate(2), Is.EqualTo(-2));
        }

        public class TableTests
        {
            [Test] public void Index_Reads() => Assert.That(Read(new Table()), Is.EqualTo(2));

            static int Read(Table table) => table[1];
        }

        [SetUpFixture]
        public class Everywhere
        {
            [OneTimeSetUp] public void Warm() => Table.Warm();
        }

        public class TrainedFixture
        {
            static readonly int trained = Maths.Negate(5);

            [Test] public void UsesTheTrainedValue() => Assert.That(trained, Is.EqualTo(-5));
        }
        """;

    const string Fixture = "Hw.Tests.MathsTests";

    static readonly IReadOnlyList<SourceFile> Reference = [new("Maths.cs", Homework)];

    static RunCombiner Combiner()
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary);
        var homework = CSharpCompilation.Create("Hw", [CSharpSyntaxTree.ParseText(Homework, path: "Maths.cs")], references, options);
        var tests = CSharpCompilation.Create("Hw.Tests", [CSharpSyntaxTree.ParseText(Tests, path: "Tests.cs")], [.. references, homework.ToMetadataReference()], options);
        Assert.That(homework.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        Assert.That(tests.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
        return new RunCombiner(Reference, homework, TestReach.Of(homework, [tests]));
    }

    /// <summary>The reference with one line replaced (the line's text must be there once).</summary>
    static CheckRun Change(string line, string with, params string[] only) => Change(line, with, noisy: false, only);

    static CheckRun Change(string line, string with, bool noisy, params string[] only)
    {
        Assert.That(Homework.Split(line).Length, Is.EqualTo(2), line);
        return new CheckRun($"{line.Trim()} -> {with.Trim()}", [new SourceFile("Maths.cs", Homework.Replace(line, with, StringComparison.Ordinal))], only.Length == 0 ? null : only, noisy);
    }

    const string AddLine = "return a + b;";
    const string TwiceLine = "return Add(a, a);";
    const string NegateLine = "return -a;";
    const string IndexerLine = "get { return values[i]; }";

    [Test]
    public void Given_changes_whose_tests_reach_only_their_own_members_Then_they_share_one_run()
    {
        var groups = Combiner().Group([Change(AddLine, "throw null;", $"{Fixture}.Add_Adds"), Change(NegateLine, "return a;", $"{Fixture}.Negate_Negates")], maxSize: 8);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0, 1 } }));
    }

    [Test]
    public void Given_a_test_that_reaches_another_changes_member_through_a_call_Then_they_run_apart()
    {
        // Twice calls Add: the first check's test would run the second's change.
        var groups = Combiner().Group([
            Change(TwiceLine, "return 0;", $"{Fixture}.Add_Adds"),
            Change(NegateLine, "return a;", $"{Fixture}.Negate_Negates"),
            Change(AddLine, "return a - b;", $"{Fixture}.Twice_Doubles")], maxSize: 8);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0, 1 }, new[] { 2 } }));
    }

    [Test]
    public void Given_a_test_whose_fixture_field_initialiser_calls_another_changes_member_Then_they_run_apart()
    {
        var groups = Combiner().Group([
            Change(NegateLine, "return a;", $"{Fixture}.Add_Adds"),
            Change(TwiceLine, "return 0;", "Hw.Tests.TrainedFixture.UsesTheTrainedValue")], maxSize: 8);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0 }, new[] { 1 } }));
    }

    [Test]
    public void Given_a_setup_fixture_that_calls_another_changes_member_Then_they_run_apart()
    {
        // Every test of the suite runs after the [SetUpFixture]'s setup, which calls Table.Warm.
        var groups = Combiner().Group([
            Change("System.GC.KeepAlive(new Table());", "System.GC.KeepAlive(null);", $"{Fixture}.Negate_Negates"),
            Change(AddLine, "return a - b;", $"{Fixture}.Add_Adds")], maxSize: 8);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0 }, new[] { 1 } }));
    }

    [Test]
    public void Given_a_test_that_reaches_another_changes_indexer_Then_they_run_apart()
    {
        var groups = Combiner().Group([
            Change(IndexerLine, "get { return 0; }", $"{Fixture}.Add_Adds"),
            Change(NegateLine, "return a;", "Hw.Tests.TableTests.Index_Reads")], maxSize: 8);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0 }, new[] { 1 } }));
    }

    [Test]
    public void Given_checks_on_the_same_test_or_with_different_noise_or_in_touching_lines_Then_they_run_apart()
    {
        var combiner = Combiner();

        Assert.That(combiner.Group([Change(AddLine, "throw null;", $"{Fixture}.Add_Adds"), Change(NegateLine, "return a;", Fixture)], 8), Has.Count.EqualTo(2),
            "a fixture's name covers its tests");
        Assert.That(combiner.Group([Change(AddLine, "throw null;", $"{Fixture}.Add_Adds"), Change(NegateLine, "return a;", noisy: true, $"{Fixture}.Negate_Negates")], 8),
            Has.Count.EqualTo(2));
        Assert.That(combiner.Group([Change(AddLine, "throw null;", $"{Fixture}.Add_Adds"), Change(AddLine, "return b + a;", $"{Fixture}.Negate_Negates")], 8),
            Has.Count.EqualTo(2), "the same line");
    }

    [Test]
    public void Given_a_change_outside_every_member_or_a_check_of_every_test_or_an_unknown_test_Then_it_runs_alone()
    {
        var combiner = Combiner();
        var add = Change(AddLine, "throw null;", $"{Fixture}.Add_Adds");

        Assert.That(combiner.Group([add, Change("namespace Hw;", "namespace Hw; // moved", $"{Fixture}.Negate_Negates")], 8), Has.Count.EqualTo(2));
        Assert.That(combiner.Group([add, Change(NegateLine, "return a;")], 8), Has.Count.EqualTo(2));
        Assert.That(combiner.Group([add, Change(NegateLine, "return a;", "Hw.Tests.NoSuchTests")], 8), Has.Count.EqualTo(2));
    }

    [Test]
    public void Given_a_change_between_a_types_members_Then_it_counts_as_a_change_to_each_of_them()
    {
        // A new field with an initialiser in Maths: any test of Maths may run it.
        var groups = Combiner().Group([
            Change("    public static int Negate(int a)", "    static readonly int Seed = 1;\n\n    public static int Negate(int a)", $"{Fixture}.Negate_Negates"),
            Change(AddLine, "return a - b;", "Hw.Tests.TableTests.Index_Reads"),
            Change(IndexerLine, "get { return 0; }", $"{Fixture}.Add_Adds")], maxSize: 8);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0, 1 }, new[] { 2 } }), "Add_Adds reaches Maths.Add, which the new field's line shares a type with");
    }

    [Test]
    public void Given_checks_that_must_keep_every_point_Then_they_share_a_run_on_the_same_tests_unless_their_lines_touch_and_never_with_other_checks()
    {
        static CheckRun Correct(string line, string with, params string[] only) => Change(line, with, noisy: true, only) with { MustKeepEveryPoint = true };
        var combiner = Combiner();

        // Twice_Doubles reaches Add (Twice calls it) and Twice: two stubs there would run apart, two correct rewrites share.
        Assert.That(combiner.Group([Correct(AddLine, "return b + a;", $"{Fixture}.Add_Adds", $"{Fixture}.Twice_Doubles"),
            Correct(TwiceLine, "return Add(a, 0) + a;", $"{Fixture}.Twice_Doubles")], 8), Is.EqualTo(new[] { new[] { 0, 1 } }));
        Assert.That(combiner.Group([Correct(AddLine, "return b + a;", $"{Fixture}.Add_Adds"), Correct(AddLine, "return a - -b;", $"{Fixture}.Add_Adds")], 8),
            Has.Count.EqualTo(2), "the same line");
        Assert.That(combiner.Group([Correct(AddLine, "return b + a;", $"{Fixture}.Add_Adds"), Change(NegateLine, "return a;", noisy: true, $"{Fixture}.Negate_Negates")], 8),
            Has.Count.EqualTo(2), "a check that may lose points never shares with one that must not");
    }

    [Test]
    public void Given_many_compatible_checks_Then_no_run_holds_more_than_the_maximum()
    {
        var groups = Combiner().Group([Change(AddLine, "throw null;", $"{Fixture}.Add_Adds"), Change(NegateLine, "return a;", $"{Fixture}.Negate_Negates")], maxSize: 1);

        Assert.That(groups, Is.EqualTo(new[] { new[] { 0 }, new[] { 1 } }));
    }

    [Test]
    public void Given_a_group_When_combined_Then_the_file_has_every_checks_change_and_the_rest_of_the_reference()
    {
        var combined = Combiner().Combine([Change(AddLine, "return b + a; // one\n        // two", $"{Fixture}.Add_Adds"), Change(NegateLine, "return 0 - a;", $"{Fixture}.Negate_Negates")]);

        Assert.That(combined.Single().Text, Is.EqualTo(Homework.Replace(AddLine, "return b + a; // one\n        // two", StringComparison.Ordinal)
            .Replace(NegateLine, "return 0 - a;", StringComparison.Ordinal)));
    }
}
