using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.HiddenTests;

/// <summary>
/// The logit lens and direct logit attribution on random models of three layers and of one: the checkpoint and the public
/// tests' small model both have two, so code written for two layers (a loop to 2, streams stacked by hand) passes them.
/// The cache is built from the test's own hooks, and every expected value comes from the weights and those activations
/// before homework code has the model.
/// </summary>
public sealed class HiddenDepthTests : TorchTest
{
    /// <summary>The 7 symbols of the random models' vocabulary (d_vocab 7), with "s" and " " for the agreement metric.</summary>
    static CharVocabulary Symbols => new("\uFFFD s.adt");

    static AgreementPrompt[] Prompts =>
    [
        new("a dad", "dad", false, Clause.None, null, null),
        new("ta sat", "sat", false, Clause.None, null, null),
        new("sad . a", "a", false, Clause.None, null, null),
    ];

    [Test, Points(2)]
    public void LogitLens_Logits_OnModelsOfThreeLayersAndOfOne_DecodeEachLayersResidPreAndTheFinalStream()
    {
        AssertLensOnDepth(n_layers: 3, seed: 600);
        AssertLensOnDepth(n_layers: 1, seed: 601);
    }

    static void AssertLensOnDepth(long n_layers, long seed)
    {
        using var seeded = new Seeded(seed);
        var model = RandomModel.Create(seeded, n_layers);
        var tokens = seeded.Randint(0, 7, [2, 6]); // [batch, pos]
        var captured = RandomModel.Capture(model, tokens);
        Tensor modelLogits;
        using (no_grad())
            modelLogits = model.call(tokens); // [batch, pos, d_vocab]
        var (w, b, W_U, b_U) = (model.ln_final.w.detach().clone(), model.ln_final.b.detach().clone(), model.W_U.detach().clone(), model.b_U.detach().clone());
        Tensor Decode(Tensor resid) // [batch, pos, d_model] -> [batch, pos, d_vocab], with this stream's own LayerNorm scale
        {
            var centred = resid - resid.mean([-1], keepdim: true);
            return (centred / (centred.pow(2).mean([-1], keepdim: true) + 1e-5).sqrt() * w + b).matmul(W_U) + b_U;
        }
        var labels = Enumerable.Range(0, (int)n_layers).Select(l => $"{l}_pre").Append("final_post").ToArray();
        var streams = Enumerable.Range(0, (int)n_layers).Select(l => captured[$"blocks.{l}.hook_resid_pre"])
            .Append(captured[$"blocks.{n_layers - 1}.hook_resid_post"]).ToArray();
        Tensor[] expected;
        using (no_grad())
            expected = streams.Select(Decode).ToArray();
        var cache = new ActivationCache(RandomModel.Copy(captured), model.Config);

        var lens = LogitLens.Logits(model, cache);

        TensorAssert.Shape(lens, [n_layers + 1, 2, 6, 7],
            $"LogitLens.Logits on a {n_layers}-layer model: [component, batch, pos, d_vocab], one component per layer's resid_pre and one for final_post " +
            "(take every stream of cache.AccumulatedResid(), never a fixed list of layers)");
        TensorAssert.Close(lens[^1], modelLogits, name:
            $"the logit lens of final_post on a {n_layers}-layer model against the model's own logits (model.call, computed by the test): the last component is the stream after the last layer");
        for (int c = 0; c < labels.Length - 1; c++)
            TensorAssert.Close(lens[c], expected[c], name:
                $"the logit lens of {labels[c]} on a {n_layers}-layer model against ln_final (with this stream's own scale) and W_U, b_U applied by the test to the stream entering layer {c}");
    }

    [Test, Points(2)]
    public void DirectLogitAttribution_OnModelsOfThreeLayersAndOfOne_GivesEveryLayersParts_AndTheySumToTheLogitDifference()
    {
        AssertAttributionOnDepth(n_layers: 3, seed: 610);
        AssertAttributionOnDepth(n_layers: 1, seed: 611);
    }

    static void AssertAttributionOnDepth(long n_layers, long seed)
    {
        using var seeded = new Seeded(seed);
        var model = RandomModel.Create(seeded, n_layers);
        var symbols = Symbols;
        var batch = AgreementBatch.Of(Prompts, symbols);
        // Read from the batch and the model before Attribute has them.
        var tokens = batch.Tokens.to(Device).clone(); // [batch, pos]
        var verbs = batch.VerbPosition.to(Device).clone(); // [batch]
        long count = tokens.shape[0];
        Tensor expected;
        using (no_grad())
        {
            var atVerb = model.call(tokens)[arange(count, device: Device), verbs]; // [batch, d_vocab]
            expected = atVerb[.., symbols.Id('s')] - atVerb[.., symbols.Id(' ')]; // [batch]
        }
        var captured = RandomModel.Capture(model, tokens);
        var expectedLabels = new List<string> { "embed", "pos_embed" };
        for (int l = 0; l < n_layers; l++)
            expectedLabels.AddRange([$"L{l}H0", $"L{l}H1", $"{l}_attn_bias", $"{l}_mlp_out"]);
        expectedLabels.Add("bias");
        var cache = new ActivationCache(RandomModel.Copy(captured), model.Config);

        var (parts, labels) = DirectLogitAttribution.Attribute(model, cache, batch, symbols);

        Assert.That(labels, Is.EqualTo(expectedLabels),
            $"DirectLogitAttribution.Attribute labels on a {n_layers}-layer model of 2 heads: embed, pos_embed, then for every layer the model has " +
            "(model.Config.n_layers, never a fixed count) its heads, attention bias and MLP, then bias");
        TensorAssert.Shape(parts, [expectedLabels.Count, count], $"DirectLogitAttribution.Attribute parts on a {n_layers}-layer model: [component, batch]");
        TensorAssert.Close(parts.sum([0]).to(Device), expected, name:
            $"the parts summed over components against logit(\"s\") - logit(\" \") at the verb of the model's own logits (model.call, computed by the test) " +
            $"on a {n_layers}-layer model: every layer's heads, attention bias and MLP output must be among the parts");
    }
}
