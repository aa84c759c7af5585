using Course.Grader.Pipeline;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// Which public tests replay a golden is read from the test code before anything runs: a test that opens one itself, through
/// a helper, in its fixture's setup, or in a module of its own that TorchSharp calls, whether or not a run gets that far (a red team, stop 56, leaked a replay through a
/// test that failed before it opened its golden).
/// </summary>
public class GoldenReadersTests
{
    const string Homework = "namespace Tiny.Homework; public static class Nothing { }";

    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;

        namespace Tiny.Homework.Tests;

        public class DirectTests
        {
            [Test, Points(1)] public void Opens() { using var golden = Golden.Open("direct"); }
            [Test, Points(1)] public void Computes() => Assert.That(1 + 1, Is.EqualTo(2));
            [TestCase(1), Points(1)] public void ThroughAHelper(int i) => Helper();
            static void Helper() { Func<Golden> open = () => Golden.Open("helper"); open().Dispose(); }
        }

        public class SetUpTests
        {
            Golden? golden;
            [SetUp] public void Open() => golden = Golden.Open("setup");
            [TearDown] public void Close() => golden?.Dispose();
            [Test, Points(1)] public void Anything() { }
        }

        public sealed class Replaying : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>
        {
            public Replaying() : base("replaying") { }
            public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x) { using var golden = Golden.Open("module"); return x; }
        }

        public class CalledBackTests
        {
            [Test, Points(1)] public void ThroughAModule() => new Replaying().call(TorchSharp.torch.zeros(1)).Dispose();
        }
        """;

    [Test]
    public void Given_tests_that_open_a_golden_each_way_When_read_Then_exactly_those_are_readers()
    {
        var suite = TinyHomework.Compile(Homework, Tests).TestSuites.Single().Compilation;

        Assert.That(GoldenReaders.Of(suite), Is.EquivalentTo(new[]
        {
            "Tiny.Homework.Tests.DirectTests.Opens", "Tiny.Homework.Tests.DirectTests.ThroughAHelper", "Tiny.Homework.Tests.SetUpTests.Anything",
            "Tiny.Homework.Tests.CalledBackTests.ThroughAModule",
        }), "TorchSharp calls the module's forward through call(), an edge no syntax shows");
    }
}
