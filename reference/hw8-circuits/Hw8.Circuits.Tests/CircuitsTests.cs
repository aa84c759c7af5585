using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Tests;

/// <summary>Each circuit, formed, equals the product of the weights it names (computed here in float64 on a small random model).</summary>
public sealed class CircuitsTests : TorchTest
{
    [TestCase(0, 0), TestCase(1, 2)]
    [Points(2)]
    public void QK_And_OV_AreTheHeadsWeightProducts(int layer, int head)
    {
        var model = SmallModel.Make(1, Device);
        var attn = SmallModel.Make(1, Device).blocks[layer].attn; // the same weights, which homework code never has

        var (qk, ov) = (Circuits.QK(model, layer, head), Circuits.OV(model, layer, head));

        Assert.That(qk.Shape, Is.EqualTo(new long[] { 6, 6 }), "QK is [d_model, d_model]");
        TensorAssert.Close(qk.AB.to(ScalarType.Float64), SmallModel.Dense(attn.W_Q[head], attn.W_K[head].T), Tolerance.For(ScalarType.Float32, DeviceType.CPU),
            $"Circuits.QK(model, {layer}, {head}).AB: W_Q[{head}] W_K[{head}]ᵀ (is one factor transposed, or the head's index taken on the wrong axis?)");
        TensorAssert.Close(ov.AB.to(ScalarType.Float64), SmallModel.Dense(attn.W_V[head], attn.W_O[head]), Tolerance.For(ScalarType.Float32, DeviceType.CPU),
            $"Circuits.OV(model, {layer}, {head}).AB: W_V[{head}] W_O[{head}] (values first, then the output)");
    }

    [TestCase(0, 1), TestCase(1, 0)]
    [Points(3)]
    public void FullQK_IsTheQueryTokensAgainstTheKeyTokensThroughTheEmbedding(int layer, int head)
    {
        var model = SmallModel.Make(2, Device);
        var weights = SmallModel.Make(2, Device); // the same weights, which homework code never has
        var attn = weights.blocks[layer].attn;

        var full = Circuits.FullQK(model, layer, head);

        Assert.That(full.Shape, Is.EqualTo(new long[] { 7, 7 }), "the full QK circuit is [d_vocab, d_vocab]");
        Assert.That(full.InnerDim, Is.EqualTo(2), "factored through d_head as (W_E W_Q)(W_E W_K)ᵀ, never through a dense d_model × d_model QK");
        TensorAssert.Close(full.AB.to(ScalarType.Float64), SmallModel.Dense(weights.W_E, attn.W_Q[head], attn.W_K[head].T, weights.W_E.T), Tolerance.For(ScalarType.Float32, DeviceType.CPU),
            $"Circuits.FullQK(model, {layer}, {head}).AB: W_E W_Q W_Kᵀ W_Eᵀ (W_E on the query side, W_Eᵀ on the key side)");
    }

    [Test, Points(3)]
    public void PositionalQK_IsTheQueryPositionsAgainstTheKeyPositionsThroughW_pos_OfTheLayerAndHeadAsked()
    {
        var model = SmallModel.Make(3, Device);
        var weights = SmallModel.Make(3, Device); // the same weights, which homework code never has
        var attn = weights.blocks[0].attn;

        var positional = Circuits.PositionalQK(model, 0, 2);

        Assert.That(positional.Shape, Is.EqualTo(new long[] { 5, 5 }), "the positional QK circuit is [n_ctx, n_ctx]");
        Assert.That(positional.InnerDim, Is.EqualTo(2), "factored through d_head as (W_pos W_Q)(W_pos W_K)ᵀ, never through a dense d_model × d_model QK");
        TensorAssert.Close(positional.AB.to(ScalarType.Float64), SmallModel.Dense(weights.W_pos, attn.W_Q[2], attn.W_K[2].T, weights.W_pos.T), Tolerance.For(ScalarType.Float32, DeviceType.CPU),
            "Circuits.PositionalQK(model, 0, 2).AB: W_pos W_Q W_Kᵀ W_posᵀ (W_pos, not W_E)");
        var layer1 = weights.blocks[1].attn;
        TensorAssert.Close(Circuits.PositionalQK(model, 1, 0).AB.to(ScalarType.Float64), SmallModel.Dense(weights.W_pos, layer1.W_Q[0], layer1.W_K[0].T, weights.W_pos.T),
            Tolerance.For(ScalarType.Float32, DeviceType.CPU), "Circuits.PositionalQK(model, 1, 0).AB: W_Q and W_K of the layer and head asked for (layer 1, head 0)");
    }

    [TestCase(0, 2), TestCase(1, 1)]
    [Points(3)]
    public void FullOV_IsTheAttendedTokenToTheLogitsThroughTheEmbeddingAndUnembedding(int layer, int head)
    {
        var model = SmallModel.Make(4, Device);
        var weights = SmallModel.Make(4, Device); // the same weights, which homework code never has
        var attn = weights.blocks[layer].attn;

        var full = Circuits.FullOV(model, layer, head);

        Assert.That(full.Shape, Is.EqualTo(new long[] { 7, 7 }), "the full OV circuit is [d_vocab, d_vocab]");
        Assert.That(full.InnerDim, Is.EqualTo(2), "factored through d_head, never formed as a d_vocab × d_vocab product of dense parts");
        TensorAssert.Close(full.AB.to(ScalarType.Float64), SmallModel.Dense(weights.W_E, attn.W_V[head], attn.W_O[head], weights.W_U), Tolerance.For(ScalarType.Float32, DeviceType.CPU),
            $"Circuits.FullOV(model, {layer}, {head}).AB: W_E W_V W_O W_U (W_U on the right, not W_Eᵀ)");
    }
}
