using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>Recording against one implementation, then replaying against another.</summary>
[NonParallelizable]
public class GoldenTests : TorchTest
{
    string folder = "";
    string? savedMode, savedDir;

    [SetUp]
    public void UseATemporaryGoldenFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "course-golden-" + Guid.NewGuid().ToString("N"));
        savedMode = Environment.GetEnvironmentVariable(Golden.ModeVariable);
        savedDir = Environment.GetEnvironmentVariable(Golden.DirectoryVariable);
        Environment.SetEnvironmentVariable(Golden.DirectoryVariable, Path.Combine(folder, Golden.FolderName));
    }

    [TearDown]
    public void Restore()
    {
        Environment.SetEnvironmentVariable(Golden.ModeVariable, savedMode);
        Environment.SetEnvironmentVariable(Golden.DirectoryVariable, savedDir);
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
            golden.AssertClose("out", implementation(x));
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
    public void GivenARecording_WhenReplayed_ThenTheStoredInputsAreUsedNotFreshRandomOnes()
    {
        Directory.CreateDirectory(folder);
        Record(Reference, seed: 1);
        using var golden = Golden.Open("softmax", Path.Combine(folder, "SomeTests.cs"));
        using var seeded = new Seeded(1);
        TensorAssert.Close(golden.Input("x", () => zeros(1)), seeded.Randn([3, 4]), Tolerance.Exact, "stored input");
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
