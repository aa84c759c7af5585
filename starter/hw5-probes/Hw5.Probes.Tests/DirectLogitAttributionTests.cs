using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class DirectLogitAttributionTests : TorchTest
{
    [Test, Points(2)]
    public void LogitDiffDirection_IsTheDifferenceOfTheTwoUnembeddingColumns()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);

        var expected = model.W_U[.., vocabulary.Id('s')] - model.W_U[.., vocabulary.Id(' ')]; // [d_model]

        var direction = DirectLogitAttribution.LogitDiffDirection(model, vocabulary);

        TensorAssert.Close(direction, expected, name: "W_U[:, \"s\"] - W_U[:, \" \"]");
    }

    [Test, Points(3)]
    public void Attribute_GivesOnePartPerComponent_AndThePartsSumToTheLogitDifference()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(24, 530, Clause.SubjectRelative), vocabulary);
        using var noGrad = no_grad();
        var tokens = batch.Tokens.to(Device);
        var atVerb = model.call(tokens)[arange(24, device: Device), batch.VerbPosition.to(Device)]; // [batch, d_vocab]
        var expected = atVerb[.., vocabulary.Id('s')] - atVerb[.., vocabulary.Id(' ')]; // [batch]
        var (_, cache) = model.RunWithCache(tokens.clone());
        var (embedBefore, mlpOutBefore) = (cache["hook_embed"].clone(), cache["mlp_out", 1].clone());

        var (parts, labels) = DirectLogitAttribution.Attribute(model, cache, batch, vocabulary);

        TensorAssert.Close(cache["hook_embed"], embedBefore, Tolerance.Exact,
            "the cache's hook_embed after Attribute: centre a copy (a - mean), never the cached activation in place (sub_), which a later read of the cache would see");
        TensorAssert.Close(cache["mlp_out", 1], mlpOutBefore, Tolerance.Exact,
            "the cache's blocks.1.hook_mlp_out after Attribute: centre a copy (a - mean), never the cached activation in place (sub_), which a later read of the cache would see");

        Assert.That(labels, Is.EqualTo(new[]
        {
            "embed", "pos_embed", "L0H0", "L0H1", "L0H2", "L0H3", "0_attn_bias", "0_mlp_out",
            "L1H0", "L1H1", "L1H2", "L1H3", "1_attn_bias", "1_mlp_out", "bias",
        }), "DirectLogitAttribution.Attribute labels: embed, pos_embed, then for each layer its heads L{l}H{h}, its attention bias and its MLP, then the final bias");
        Assert.That(parts.shape, Is.EqualTo(new long[] { 15, 24 }), "[component, batch]");
        TensorAssert.Close(parts.sum([0]).to(Device), expected, name:
            "the parts summed over components against logit(\"s\") - logit(\" \") at the verb of the model's own logits (model.call, computed by the test)");

        // The doc's components hold for any width, not only the checkpoint's 4 heads: a random model of 2 heads per layer.
        using var seeded = new Seeded(531);
        var small = SmallModel.Create(seeded, Device);
        var symbols = new CharVocabulary("\uFFFD s.adt"); // 7 symbols, the small model's d_vocab
        var smallBatch = AgreementBatch.Of([
            new AgreementPrompt("a dad", "dad", false, Clause.None, null, null),
            new AgreementPrompt("ta sat", "sat", false, Clause.None, null, null),
        ], symbols);
        var smallTokens = smallBatch.Tokens.to(Device);
        var smallAtVerb = small.call(smallTokens)[arange(2, device: Device), smallBatch.VerbPosition.to(Device)]; // [batch, d_vocab]
        var smallExpected = smallAtVerb[.., symbols.Id('s')] - smallAtVerb[.., symbols.Id(' ')]; // [batch]
        var (_, smallCache) = small.RunWithCache(smallTokens.clone());

        var (smallParts, smallLabels) = DirectLogitAttribution.Attribute(small, smallCache, smallBatch, symbols);

        Assert.That(smallLabels, Is.EqualTo(new[] { "embed", "pos_embed", "L0H0", "L0H1", "0_attn_bias", "0_mlp_out", "L1H0", "L1H1", "1_attn_bias", "1_mlp_out", "bias" }),
            "DirectLogitAttribution.Attribute labels on a model of 2 heads per layer: one part per head the model has (model.Config.n_heads), never a fixed count");
        TensorAssert.Close(smallParts.sum([0]).to(Device), smallExpected, name:
            "the parts summed over components against logit(\"s\") - logit(\" \") at the verb on a random model of 2 heads per layer");
    }
}
