using Course.Grader.Binding;
using Course.Grader.Compile;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Binding;

/// <summary>
/// Test code must call what its author meant: the same symbols against a submission as against the starter. A homework
/// type, extension method, operator or conversion that would take the place of a trusted one is a change, named by the
/// student's own declaration; code the tests never see changes nothing.
/// </summary>
public class BindingCheckTests
{
    const string Starter = """
        namespace Tiny.Homework;

        public sealed class Score { public double Value; }

        public static class Model
        {
            public static double Loss(double x) => throw new System.NotImplementedException();
            public static long Count() => throw new System.NotImplementedException();
            public static Score Best() => throw new System.NotImplementedException();
            public static int[] Ranks() => throw new System.NotImplementedException();
        }
        """;

    const string Tests = """
        using System.Linq;
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class ModelTests
        {
            [Test]
            public void Loss_IsHalfTheSquare() => Assert.That(Model.Loss(2), Is.EqualTo(2.0).Within(1e-9));

            [Test]
            public void Count_IsSeven() => Assert.That(Model.Count(), Is.EqualTo(7L));

            [Test]
            public void Best_IsNotAnother() => Assert.That(Model.Best() == new Score(), Is.False);

            [Test]
            public void Ranks_SumToTen() => Assert.That(Model.Ranks().Sum(), Is.EqualTo(10));
        }
        """;

    static IReadOnlyList<BindingChange> Changes(string submission)
    {
        IReadOnlyList<TestBinding> Bindings(string homework, out CompileResult compiled)
        {
            compiled = TinyHomework.Compile(homework, Tests);
            Assert.That(compiled.Success, Is.True, string.Join("\n", compiled.Homework.Errors.Concat(compiled.TestSuites.SelectMany(s => s.Errors))));
            var suite = compiled.TestSuites.Single().Unisolated;
            return TestBindings.Read(suite, TestBindings.HomeworkIn(suite, TinyHomework.HomeworkName), new HomeworkDeclarations(compiled.Homework.Compilation).Of);
        }

        var expected = Bindings(Starter, out _);
        var actual = Bindings(submission, out _);
        return BindingCheck.Compare(expected, actual);
    }

    static string Submission(string extra = "", string returns = "double", string best = "Score") => $$"""
        namespace Tiny.Homework;

        public sealed class Score { public double Value; }

        public static class Model
        {
            public static {{returns}} Loss(double x) => x * x / 2;
            public static long Count() => 7;
            public static {{best}} Best() => new();
            public static int[] Ranks() => [1, 2, 3, 4];
        }
        {{extra}}
        """;

    [Test]
    public void Given_a_submission_with_the_starters_API_and_private_helpers_When_compared_Then_nothing_changed()
    {
        var changes = Changes(Submission("""
            static class Helpers { public static double Square(double x) => x * x; }
            internal static class Assert { public static void That(object? actual, object? constraint) { } }
            public static class Extras { public static int Unused(this int x) => x; }
            """));

        Assert.That(changes, Is.Empty, () => string.Join("\n", changes.Select(c => c.Describe())));
    }

    [Test]
    public void Given_other_nullable_annotations_than_the_starters_When_compared_Then_nothing_changed()
    {
        var changes = Changes(Submission(best: "Score?").Replace("public sealed class Score { public double Value; }", "public sealed class Score { public double Value; public string? Name; }"));

        Assert.That(changes, Is.Empty, () => string.Join("\n", changes.Select(c => c.Describe())));
    }

    [Test]
    public void Given_a_generic_member_that_the_tests_nest_into_a_type_of_thousands_of_parts_When_compared_Then_the_change_is_named_without_writing_it_out()
    {
        // The tests nest Wrap 4 deep; made generic and returning a Func of 17 T's, its type in the tests has 17^4 parts.
        const string tests = """
            using NUnit.Framework;
            namespace Tiny.Homework.Tests;
            public class WrapTests
            {
                [Test]
                public void Wraps() => Assert.That(Tiny.Homework.Model.Wrap(Tiny.Homework.Model.Wrap(Tiny.Homework.Model.Wrap(Tiny.Homework.Model.Wrap(2)))), Is.Not.Null);
            }
            """;
        IReadOnlyList<TestBinding> Bindings(string homework)
        {
            var compiled = TinyHomework.Compile($"namespace Tiny.Homework;\npublic static class Model\n{{\n    {homework}\n}}", tests);
            Assert.That(compiled.Success, Is.True, string.Join("\n", compiled.Homework.Errors.Concat(compiled.TestSuites.SelectMany(s => s.Errors))));
            var suite = compiled.TestSuites.Single().Unisolated;
            return TestBindings.Read(suite, TestBindings.HomeworkIn(suite, TinyHomework.HomeworkName), new HomeworkDeclarations(compiled.Homework.Compilation).Of);
        }

        var changes = BindingCheck.Compare(
            Bindings("public static object Wrap(object x) => x;"),
            Bindings("public static System.Func<T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T>? Wrap<T>(T x) => null;"));

        Assert.That(changes, Is.Not.Empty);
        Assert.That(changes.Select(c => c.Describe()), Has.Some.EqualTo("your System.Func<...> takes the place of object in the tests"));
        Assert.That(changes.Max(c => c.Describe().Length), Is.LessThan(1000), "no type written out");
    }

    [TestCase("public Parameter W => reads++ == 0 ? w : new();", "property")]
    [TestCase("public Parameter W { get; } = new();", "property")]
    public void Given_a_field_the_tests_read_made_a_property_When_compared_Then_it_is_a_change(string member, string kind)
    {
        // A red team (stop 62): a getter gave the real weights to the test's first read, which wrote its draws into them, and
        // zeros to the second, from which the test computed what it expected.
        const string tests = """
            using NUnit.Framework;
            namespace Tiny.Homework.Tests;
            public class HeadTests
            {
                [Test]
                public void W_IsWrittenThenRead()
                {
                    var head = new Tiny.Homework.Head();
                    head.W.Value = 2;
                    Assert.That(head.W.Value, Is.EqualTo(2));
                }
            }
            """;
        IReadOnlyList<TestBinding> Bindings(string head)
        {
            var compiled = TinyHomework.Compile($"namespace Tiny.Homework;\npublic sealed class Parameter {{ public double Value; }}\npublic sealed class Head\n{{\n    {head}\n}}", tests);
            Assert.That(compiled.Success, Is.True, string.Join("\n", compiled.Homework.Errors.Concat(compiled.TestSuites.SelectMany(s => s.Errors))));
            var suite = compiled.TestSuites.Single().Unisolated;
            return TestBindings.Read(suite, TestBindings.HomeworkIn(suite, TinyHomework.HomeworkName), new HomeworkDeclarations(compiled.Homework.Compilation).Of);
        }
        var starter = Bindings("public readonly Parameter W = new();");

        var changes = BindingCheck.Compare(starter, Bindings($"readonly Parameter w = new(); int reads; {member}"));

        Assert.That(changes.Select(c => c.Describe()).Distinct(), Is.EqualTo(new[]
        {
            $"keep Tiny.Homework.Head.W the field the starter declares: your {kind} (declared at Tiny.Homework/Homework.cs:5) would run your code on every read by the tests",
        }));
        Assert.That(BindingCheck.Compare(starter, Bindings("public Parameter W = new();")), Is.Empty, "the same field, readonly or not, is the same data");
    }

    [Test]
    public void Given_a_homework_type_named_Assert_When_compared_Then_it_takes_the_place_of_NUnits_Assert()
    {
        var changes = Changes(Submission("""
            public static class Assert
            {
                public static void That(object? actual, object? constraint) { }
            }
            """));

        Assert.That(changes[0].Describe(), Is.EqualTo("your Tiny.Homework.Assert (declared at Tiny.Homework/Homework.cs:12) takes the place of NUnit.Framework.Assert in the tests"));
        Assert.That(changes.Select(c => c.Actual.Target.Declaration?.Line), Has.All.EqualTo(12).Or.EqualTo(14).Or.Null);
    }

    [Test]
    public void Given_an_extension_method_that_hides_LINQs_When_compared_Then_it_is_a_change()
    {
        var changes = Changes(Submission("""
            public static class Cheats
            {
                public static int Sum(this int[] xs) => 10;
            }
            """));

        Assert.That(changes.Select(c => c.Describe()).Distinct(), Is.EqualTo(new[]
        {
            "your Tiny.Homework.Cheats.Sum(int[]) (declared at Tiny.Homework/Homework.cs:14) takes the place of System.Linq.Enumerable.Sum(System.Collections.Generic.IEnumerable<int>) in the tests",
        }));
    }

    [Test]
    public void Given_an_equality_operator_on_a_homework_type_When_compared_Then_it_takes_the_place_of_reference_equality()
    {
        var changes = Changes(Submission().Replace("public sealed class Score { public double Value; }",
            "public sealed class Score { public double Value; public static bool operator ==(Score a, Score b) => false; public static bool operator !=(Score a, Score b) => true; public override bool Equals(object? o) => false; public override int GetHashCode() => 0; }"));

        Assert.That(changes.Select(c => c.Describe()), Has.Some.Contains("Tiny.Homework.Score.operator ==(Tiny.Homework.Score, Tiny.Homework.Score)"));
    }

    [Test]
    public void Given_a_homework_type_with_an_implicit_conversion_in_place_of_a_double_When_compared_Then_the_tests_would_use_it()
    {
        var changes = Changes(Submission("""
            public readonly struct Close
            {
                public static implicit operator Close(double x) => new();
                public static implicit operator double(Close c) => 1.0;
                public override bool Equals(object? o) => true;
                public override int GetHashCode() => 0;
            }
            """, returns: "Close"));

        Assert.That(changes, Is.Not.Empty);
        Assert.That(changes.Select(c => c.Describe()), Has.Some.Contains("Tiny.Homework.Close"));
    }

    [Test]
    public void Given_one_suite_compilation_read_for_two_submissions_Then_each_reading_names_its_own_submissions_declarations()
    {
        // The uses of a suite compilation are read once and kept (the compile stage reuses a compilation for every submission
        // with the same public surface); where each homework symbol is declared must still come from the submission at hand.
        var compiled = TinyHomework.Compile(Submission(), Tests);
        var suite = compiled.TestSuites.Single().Unisolated;
        var homework = TestBindings.HomeworkIn(suite, TinyHomework.HomeworkName);

        var first = TestBindings.Read(suite, homework, _ => new SourcePlace("first.cs", 1));
        var second = TestBindings.Read(suite, homework, _ => new SourcePlace("second.cs", 2));

        Assert.That(second.Select(b => (b.File, b.Span, b.Aspect, b.Target.Key)), Is.EqualTo(first.Select(b => (b.File, b.Span, b.Aspect, b.Target.Key))));
        Assert.That(second.Where(b => b.Target.InHomework), Is.Not.Empty);
        Assert.That(second.Where(b => b.Target.InHomework).Select(b => b.Target.Declaration), Has.All.EqualTo(new SourcePlace("second.cs", 2)));
        Assert.That(first.Where(b => b.Target.InHomework).Select(b => b.Target.Declaration), Has.All.EqualTo(new SourcePlace("first.cs", 1)));
    }

    [Test]
    public void Given_a_return_type_other_than_the_starters_When_compared_Then_it_is_a_change_naming_both_types()
    {
        var changes = Changes(Submission().Replace("public static long Count() => 7;", "public static int Count() => 7;"));

        Assert.That(changes.Select(c => c.Describe()), Has.Some.EqualTo("the tests would use int where, against the starter, they use long"));
    }
}
