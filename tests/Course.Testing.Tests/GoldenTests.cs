using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>Recording against one implementation, then replaying against another.</summary>
[NonParallelizable]
public class GoldenTests : TorchTest
{
    string folder = "";
    string? savedMode, savedDir, savedSalt;

    [SetUp]
    public void UseATemporaryGoldenFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "course-golden-" + Guid.NewGuid().ToString("N"));
        savedMode = Environment.GetEnvironmentVariable(Golden.ModeVariable);
        savedDir = Environment.GetEnvironmentVariable(Golden.DirectoryVariable);
        savedSalt = Environment.GetEnvironmentVariable(Golden.SaltVariable);
        Environment.SetEnvironmentVariable(Golden.DirectoryVariable, Path.Combine(folder, Golden.FolderName));
    }

    [TearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable(Golden.ModeVariable, savedMode);
        Environment.SetEnvironmentVariable(Golden.DirectoryVariable, savedDir);
        Environment.SetEnvironmentVariable(Golden.SaltVariable, savedSalt);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    static Tensor Reference(Tensor x) => x.softmax(-1);

    void Record(Func<Tensor, Tensor> implementation, long seed)
    {
        Environment.SetEnvironmentVariable(Golden.ModeVariable, "record");
        using var seeded = new Seeded(seed);
        using (var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs")))
        {
            Assert.That(golden.Recording, Is.True);
            var x = golden.Input("x", () => seeded.RandnCpu([3, 4]));
            golden.AssertClose("out", implementation(x), "softmax(x) over the last dimension [3, 4]");
        }
        Environment.SetEnvironmentVariable(Golden.ModeVariable, null);
    }

    string? Replay(Func<Tensor, Tensor> implementation)
    {
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        Assert.That(golden.Recording, Is.False);
        var x = golden.Input("x", () => throw new AssertionException("replay must not make new inputs"));
        return TensorAssert.CloseFailure(implementation(x), golden.Expected("out"), name: "out");
    }

    [Test]
    public void GivenARecording_WhenTheSameCodeReplays_ThenItMatches()
    {
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        Assert.That(File.Exists(Path.Combine(folder, "golden", "softmax.safetensors")), Is.True);
        Assert.That(Replay(Reference), Is.Null);
    }

    [Test]
    public void GivenARecording_WhenBuggyCodeReplays_ThenTheMismatchIsReported()
    {
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        Assert.That(Replay(x => x.softmax(0)), Does.StartWith("out: "));
    }

    [Test]
    public void GivenARecording_WhenBuggyCodeFailsAssertClose_ThenTheFirstLineLeadsWithTheNameNotTheKey()
    {
        // The key is only where the golden stores the output ("out"); the name says what was expected.
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        var x = golden.Input("x", () => throw new AssertionException("replay must not make new inputs"));

        var ex = Assert.Throws<AssertionException>(() => golden.AssertClose("out", x.softmax(0), "softmax(x) over the last dimension [3, 4]"));

        Assert.That(ex!.Message, Does.StartWith("softmax(x) over the last dimension [3, 4]: "));
    }

    [TestCase(""), TestCase("  ")]
    public void GivenABlankName_WhenAssertClose_ThenItThrows_SoNoGoldenFailsWithoutSayingWhatWasExpected(string name)
    {
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        var x = golden.Input("x", () => throw new AssertionException("replay must not make new inputs"));

        Assert.Throws<ArgumentException>(() => golden.AssertClose("out", x.softmax(-1), name));
    }

    [Test]
    public void GivenARecording_WhenReplayed_ThenTheStoredInputsAreUsedNotFreshRandomOnes()
    {
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        using var seeded = new Seeded(1);
        TensorAssert.Close(golden.Input("x", () => zeros(1)), seeded.Randn([3, 4]), Tolerance.Exact, "stored input");
    }

    [Test]
    public void GivenASalt_WhenRecordingIntoTheGoldenFolder_ThenTheSameTestRecordsOtherInputsThere_AndReplaysThem()
    {
        // The public goldens' hidden replays: the same test, recorded with COURSE_GOLDEN_SALT into COURSE_GOLDEN_DIR (here
        // not the folder beside the test's source), draws other inputs from the same Seeded.
        var replays = Path.Combine(folder, "replays");
        Environment.SetEnvironmentVariable(Golden.DirectoryVariable, replays);
        Environment.SetEnvironmentVariable(Golden.SaltVariable, "1");
        Record(Reference, seed: 1);
        Environment.SetEnvironmentVariable(Golden.SaltVariable, null);

        Assert.That(File.Exists(Path.Combine(replays, "softmax.safetensors")), Is.True, "recorded into COURSE_GOLDEN_DIR");
        Assert.That(Directory.Exists(Path.Combine(folder, "golden")), Is.False, "and not beside the test's source");
        var properties = NUnit.Framework.Internal.TestExecutionContext.CurrentContext.CurrentTest.Properties;
        Assert.That(properties.ContainsKey(Golden.OnOtherInputsProperty), Is.False);
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        Assert.That((golden.OnOtherInputs, properties.Get(Golden.OnOtherInputsProperty)), Is.EqualTo((true, (object)"true")),
            "opening a replay marks the running test, for the grader to withhold its message from the student");
        using var unsalted = new Seeded(1);
        var stored = golden.Input("x", () => throw new AssertionException("replay must not make new inputs"));
        Assert.That(stored.shape, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(TensorAssert.CloseFailure(stored, unsalted.RandnCpu([3, 4]), Tolerance.Exact, "x"), Is.Not.Null, "the salt drew other inputs");
        Assert.That(Replay(Reference), Is.Null, "and the stored output is the reference's on them");
    }

    [Test]
    public void GivenTwoTestsThatShareAGolden_WhenRecordedInOneRun_ThenTheFileHoldsBoth_WithTheFirstTestsInputs()
    {
        Directory.CreateDirectory(folder);
        Environment.SetEnvironmentVariable(Golden.ModeVariable, "record");
        foreach (var (seed, output) in new[] { (1L, "first"), (2L, "second") })
        {
            using var seeded = new Seeded(seed);
            using var golden = Golden.Open("shared", Path.Combine(folder, "SomeTests.cs"));
            var x = golden.Input("x", () => seeded.RandnCpu([3]));
            golden.AssertClose(output, x * 2, "x * 2 [3]");
        }
        Environment.SetEnvironmentVariable(Golden.ModeVariable, null);

        using var replay = Golden.Open("shared", Path.Combine(folder, "SomeTests.cs"));
        using var first = new Seeded(1);
        var stored = replay.Input("x", () => throw new AssertionException("replay must not make new inputs"));
        TensorAssert.Close(stored, first.RandnCpu([3]), Tolerance.Exact, "the first test's input");
        TensorAssert.Close(replay.Expected("first"), stored * 2, Tolerance.Exact, "the first test's output");
        TensorAssert.Close(replay.Expected("second"), stored * 2, Tolerance.Exact, "the second test's output, on the same input");
    }

    [Test]
    public void GivenASalt_WhenNotRecording_ThenSeededIgnoresIt()
    {
        Environment.SetEnvironmentVariable(Golden.SaltVariable, "1");
        using Seeded salted = new(1);
        Environment.SetEnvironmentVariable(Golden.SaltVariable, null);
        using Seeded plain = new(1);

        TensorAssert.Close(salted.RandnCpu([5]), plain.RandnCpu([5]), Tolerance.Exact, "a replay's Seeded draws as the test's seed says");
    }

    [Test]
    public void GivenASaltThatIsNotAWholeNumber_WhenRecording_ThenSeededSaysSo()
    {
        Environment.SetEnvironmentVariable(Golden.ModeVariable, "record");
        Environment.SetEnvironmentVariable(Golden.SaltVariable, "one");

        var ex = Assert.Throws<InvalidOperationException>(() => new Seeded(1).Dispose());

        Assert.That(ex!.Message, Is.EqualTo("COURSE_GOLDEN_SALT=one is not a whole number"));
    }

    [Test]
    public void GivenNoRecording_WhenReplayed_ThenTheTestFailsSayingHowToRecord()
    {
        var ex = Assert.Throws<AssertionException>(() => Golden.Open("missing", Path.Combine(folder, "SomeTests.cs")));
        Assert.That(ex!.Message, Does.Contain("golden data 'missing.safetensors' is missing").And.Contain("COURSE_GOLDEN=record"));
    }

    [Test]
    public void GivenARecording_WhenAnUnrecordedKeyIsRequested_ThenTheTestFailsNamingTheKey()
    {
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        var ex = Assert.Throws<AssertionException>(() => golden.Expected("pattern"));
        Assert.That(ex!.Message, Does.Contain("golden 'softmax' has no tensor 'output.pattern'"));
    }
}
