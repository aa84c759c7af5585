using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// <see cref="UnscopedTests"/>: every fixture starts each test from TorchSharp's known state, so `course validate` names each
/// fixture with a test method, its own or inherited, that is not under the SDK's TorchScope.
/// </summary>
public class UnscopedTestsTests
{
    const string Homework = "namespace Tiny.Homework; public static class Nothing { }";

    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;

        namespace Tiny.Homework.Tests;

        public sealed class Derived : TorchTest { [Test, Points(1)] public void A() { } }
        [TorchScope] public class Marked { [Test, Points(1)] public void A() { } }
        public sealed class FromMarked : Marked { [Test, Points(1)] public void B() { } }
        public sealed class Helper { public static int Twice(int x) => 2 * x; }
        public abstract class Base { [Test, Points(1)] public void C() { } }
        public sealed class Unscoped { [Test, Points(1)] public void A() { } }
        public sealed class UnscopedCases { [TestCase(1), Points(1)] public void A(int i) { } }
        public sealed class FromBase : Base { }
        """;

    [Test]
    public void Given_fixtures_scoped_each_way_and_not_When_read_Then_exactly_the_unscoped_ones_with_test_methods_are_named()
    {
        var (_, suites) = CompileStage.ForReading(TinyHomework.Request(Homework, Tests));

        var problems = UnscopedTests.Problems(suites);

        Assert.That(problems.Select(p => p.Split(' ')[2]), Is.EquivalentTo(new[] { "Unscoped", "UnscopedCases", "FromBase" }), () => string.Join("\n", problems));
        Assert.That(problems[0], Does.StartWith("Tiny.Homework.Tests: Tiny.Homework.Tests/HomeworkTests.cs:11: Unscoped does not reset").And.Contain("Derive it from TorchTest"));
    }

    [Test]
    public void Given_an_assembly_under_TorchScope_When_read_Then_no_fixture_is_named()
    {
        var (_, suites) = CompileStage.ForReading(TinyHomework.Request(Homework, "[assembly: Course.Testing.TorchScope]\n" + Tests));

        Assert.That(UnscopedTests.Problems(suites), Is.Empty);
    }
}
