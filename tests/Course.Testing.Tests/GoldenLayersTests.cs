using NUnit.Framework;
using Snapshooter.NUnit;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>A model checked stage by stage against a golden fails at the first stage that differs, and says which.</summary>
[NonParallelizable]
public class GoldenLayersTests : TorchTest
{
    // Made afresh for each use: TorchTest disposes what a test made.
    static Dictionary<string, Tensor> Stored => new()
    {
        ["embedded"] = arange(6, dtype: ScalarType.Float32).reshape(2, 3),
        ["blocks.0.attn_out"] = ones(2, 3),
        ["blocks.0.resid_post"] = full(2, 3, 2f),
        ["logits"] = zeros(2, 3),
    };

    static GoldenLayer Stage(string key, string name, Func<Tensor> actual, string check) => new(key, name, actual, check);

    static List<GoldenLayer> Model(Func<Tensor> block) =>
    [
        Stage("embedded", "the embeddings", () => Stored["embedded"].clone(), "Embed and PosEmbed."),
        Stage("blocks.0.attn_out", "block 0's attention", () => ones(2, 3), "MultiHeadAttention."),
        Stage("blocks.0.resid_post", "block 0's output (TransformerBlock.call)", block,
            "TransformerBlock.forward: its parts match on their own, so they are wired differently (pre-LN: x + attn(ln1(x)), then + mlp(ln2(resid_mid)))."),
        Stage("logits", "the logits", () => throw new AssertionException("stages after the first difference must not run"), "Unembed."),
    ];

    [Test]
    public void GivenEveryStageMatching_ThenThereIsNoFailure()
    {
        var layers = Model(() => full(2, 3, 2f));
        layers[^1] = layers[^1] with { Actual = () => zeros(2, 3) };
        Assert.That(GoldenLayers.FirstDifference(layers, key => Stored[key]), Is.Null);
    }

    [Test]
    public void GivenABlockThatDiffers_ThenTheMessageLeadsWithTheBlockAndTheStagesBeforeIt()
    {
        var message = GoldenLayers.FirstDifference(Model(() => full(2, 3, 2f) + tensor(new[] { 0f, 0.5f, 0f })), key => Stored[key]);
        Snapshot.Match(message);
    }

    [Test]
    public void GivenTheFirstStageDiffers_ThenItSaysItIsTheFirstStageChecked()
    {
        var layers = Model(() => full(2, 3, 2f));
        layers[0] = layers[0] with { Actual = () => zeros(2, 3) };
        var message = GoldenLayers.FirstDifference(layers, key => Stored[key]);
        Assert.That(message, Does.StartWith("embedded: the first difference is in the embeddings; it is the first stage checked. Check Embed and PosEmbed.\nembedded: "));
    }

    [Test]
    public void GivenAStageThatThrows_ThenTheExceptionIsTheDifference()
    {
        var message = GoldenLayers.FirstDifference(Model(() => zeros(2, 3).mm(zeros(4, 4))), key => Stored[key]);
        Assert.That(message, Does.StartWith("blocks.0.resid_post: the first difference is in block 0's output (TransformerBlock.call); " +
                                            "the 2 stages before it (embedded, blocks.0.attn_out) match."));
        Assert.That(message, Does.Contain("blocks.0.resid_post: computing it threw ExternalException: "));
    }

    [Test]
    public void GivenARecording_WhenReplayedWithABrokenStage_ThenAssertLayersFailsThere()
    {
        var folder = Path.Combine(Path.GetTempPath(), "course-golden-layers-" + Guid.NewGuid().ToString("N"));
        var savedMode = Environment.GetEnvironmentVariable(Golden.ModeVariable);
        var savedDir = Environment.GetEnvironmentVariable(Golden.DirectoryVariable);
        Directory.CreateDirectory(folder);
        try
        {
            Environment.SetEnvironmentVariable(Golden.DirectoryVariable, Path.Combine(folder, Golden.FolderName));
            List<GoldenLayer> Chain(Golden golden, double scale) =>
            [
                new("x2", "x times 2", () => golden.Input("x", () => arange(4, dtype: ScalarType.Float64)) * 2, "the doubling."),
                new("x2_plus1", "x2 plus 1", () => golden.Expected("x2") * scale + 1, "the scale."),
            ];
            Environment.SetEnvironmentVariable(Golden.ModeVariable, "record");
            using (var golden = Golden.Open("chain", Path.Combine(folder, "ChainTests.cs"))) golden.AssertLayers(Chain(golden, 1));
            Environment.SetEnvironmentVariable(Golden.ModeVariable, null);

            using (var golden = Golden.Open("chain", Path.Combine(folder, "ChainTests.cs"))) Assert.DoesNotThrow(() => golden.AssertLayers(Chain(golden, 1)));
            using (var golden = Golden.Open("chain", Path.Combine(folder, "ChainTests.cs")))
            {
                var ex = Assert.Throws<AssertionException>(() => golden.AssertLayers(Chain(golden, 3)));
                Assert.That(ex!.Message, Does.StartWith("x2_plus1: the first difference is in x2 plus 1; the stage before it (x2) matches. Check the scale."));
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(Golden.ModeVariable, savedMode);
            Environment.SetEnvironmentVariable(Golden.DirectoryVariable, savedDir);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A stage of the whole model runs before any part is fed a stored output: a part that kept what it computed (here, the
    /// last attention output a fake model hands back) cannot pass it to the whole model's call (a red team, stop 57).
    /// </summary>
    [Test]
    public void GivenAStageThatRunsFirst_ThenItRunsBeforeEveryOtherStage_AndIsCheckedInItsPlace()
    {
        var ran = new List<string>();
        Tensor? kept = null;
        var layers = Model(() => full(2, 3, 2f));
        layers[1] = layers[1] with { Actual = () => { ran.Add("attn"); return kept = ones(2, 3); } };
        layers[^1] = layers[^1] with { Actual = () => { ran.Add("logits"); return kept ?? full(2, 3, 7f); }, RunsFirst = true };

        var message = GoldenLayers.FirstDifference(layers, key => Stored[key]);

        Assert.That(ran, Is.EqualTo(new[] { "logits", "attn" }), "the whole model ran first");
        Assert.That(message, Does.StartWith("logits: the first difference is in the logits; the 3 stages before it (embedded through blocks.0.resid_post) match."),
            "what the part kept did not reach the whole model's stage, which is still checked last");
    }

    [Test]
    public void GivenAStageThatRunsFirstAndThrows_ThenItFailsInItsPlace_AfterTheStagesBeforeIt()
    {
        var layers = Model(() => full(2, 3, 2f) + 1);
        layers[^1] = layers[^1] with { Actual = () => zeros(1).mm(zeros(4, 4)), RunsFirst = true };

        var message = GoldenLayers.FirstDifference(layers, key => Stored[key]);

        Assert.That(message, Does.StartWith("blocks.0.resid_post: the first difference"), "a stage before it differs first");
        layers[2] = layers[2] with { Actual = () => full(2, 3, 2f) };
        Assert.That(GoldenLayers.FirstDifference(layers, key => Stored[key]), Does.StartWith("logits: the first difference").And.Contain("computing it threw"));
    }
}
