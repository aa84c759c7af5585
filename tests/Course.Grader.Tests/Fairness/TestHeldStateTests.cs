using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// <see cref="TestHeldState"/>: test code keeps nothing across tests that homework code could change, so `course validate`
/// names each static or fixture-wide field that holds a homework value, an array, a collection or a library's object.
/// </summary>
public class TestHeldStateTests
{
    const string Homework = """
        namespace Tiny.Homework;
        public sealed record Config(int Size);
        """;

    const string Tests = """
        using System.Collections.Generic;
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;
        namespace Tiny.Homework.Tests;
        public sealed record Case(string Name, int Size);
        public sealed class Helper { readonly List<int> seen = []; public int Count => seen.Count; }
        public enum Kind { A, B }
        public class ConfigTests
        {
            const int Fine1 = 3;
            static readonly int Fine2 = 4;
            static readonly string Fine3 = "x";
            static readonly (int, Kind) Fine4 = (1, Kind.A);
            static readonly Case Fine5 = new("a", 2);
            static Config Fine6 => new(3);
            Config? perTest;
            static readonly Config Held1 = new(3);
            static readonly long[] Held2 = [2, 3];
            static readonly List<int> Held3 = [];
            static int Held4;
            static Config Held5 { get; } = new(1);
            readonly Config held6 = new(2);
            static readonly Tolerance Held7 = Tolerance.Exact;
            [SharedAcrossTests("made once; every test gets a copy")] static readonly List<int> Fine7 = [1];
            [SharedAcrossTests(" ")] static readonly List<int> Held8 = [1];

            [SetUp] public void Make() => perTest = new(Fine1 + Fine2 + Fine3.Length + Fine4.Item1 + Fine5.Size + Fine6.Size);
            [Test, Points(1)] public void Uses() => Assert.That(perTest!.Size + Held1.Size + Held2[0] + Held3.Count + Held4 + Held5.Size + held6.Size, Is.Positive);
            [Test, Points(1)] public void Tolerates() => Assert.That(Held7, Is.Not.Null);
        }
        // NUnit makes one instance of a fixture for all its tests, its own and inherited, and that instance has its base types' fields.
        public abstract class FixtureBase { protected readonly Config heldInBase = new(4); }
        public sealed class FromBase : FixtureBase { [Test, Points(1)] public void Uses() => Assert.That(heldInBase.Size, Is.Positive); }
        public abstract class TestsInBase { [Test, Points(1)] public void Inherited() => Assert.Pass(); }
        public sealed class InheritsTests : TestsInBase { readonly Config heldInDerived = new(5); public int Size => heldInDerived.Size; }
        public abstract class NeverAFixture { readonly Config notHeld = new(6); public int Size => notHeld.Size; }
        """;

    [Test]
    public void Given_fields_of_each_kind_When_read_Then_exactly_those_that_can_carry_state_across_tests_are_named()
    {
        var (_, suites) = CompileStage.ForReading(TinyHomework.Request(Homework, Tests));

        var problems = TestHeldState.Problems(suites);

        Assert.That(problems.Select(p => p.Split(' ')[2]), Is.EquivalentTo(new[]
        {
            "ConfigTests.Held1", "ConfigTests.Held2", "ConfigTests.Held3", "ConfigTests.Held4", "ConfigTests.Held5", "ConfigTests.held6", "ConfigTests.Held7", "ConfigTests.Held8",
            "FixtureBase.heldInBase", "InheritsTests.heldInDerived",
        }), () => string.Join("\n", problems));
        Assert.That(problems[0], Does.Contain("Make it a property that makes the value for each use"));
    }
}
