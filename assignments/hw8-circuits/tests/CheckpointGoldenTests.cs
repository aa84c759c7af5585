using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.HiddenTests;

/// <summary>
/// Every measure of the homework on the shipped checkpoint (<see cref="InductionModel"/>) against the reference's values:
/// the composition scores, the copying scores, the previous-token scores from the weights and from running the model, the
/// induction scores and the repeated half's loss with each layer-1 head mean-ablated. The previous-token scores from the
/// weights are also checked on a small model whose d_head is not d_model / n_heads, which the checkpoint's sizes cannot tell apart.
/// </summary>
[Visibility(Visibility.Hidden)]
public sealed class CheckpointGoldenTests : TorchTest
{
    /// <summary>The sequences the behavioural measures run on: 100 rows of 16 random tokens, then the same 16 again (as the checkpoint's README).</summary>
    internal static Tensor Repeated() => RepeatedTokens.Repeated(100, 16, 64, new Generator(7)).to(TestDevice.Current); // [100, 32]

    [TestCase(CompositionKind.Q), TestCase(CompositionKind.K), TestCase(CompositionKind.V)]
    [Points(1)]
    public void CompositionScores_OnTheCheckpoint_MatchTheReference(CompositionKind kind)
    {
        var model = InductionModel.Load(Device).Model;
        using var golden = Golden.Open($"composition_{kind}");

        golden.AssertClose("scores", Composition.Scores(model, kind), $"Composition.Scores(model, {kind}) [n_heads, n_heads]: ‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F)", axes: ["layer-0 head", "layer-1 head"]);
    }

    [Test, Points(2)]
    public void CopyingScores_OfEveryHead_MatchTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        using var golden = Golden.Open("copying_scores");
        var scores = new float[2, 4];
        for (int layer = 0; layer < 2; layer++)
            for (int head = 0; head < 4; head++)
                scores[layer, head] = (float)CopyingScore.Of(Circuits.FullOV(model, layer, head));

        golden.AssertClose("scores", tensor(scores), "CopyingScore.Of(Circuits.FullOV(model, layer, head)) [layer, head]: Σλ / Σ|λ|", axes: ["layer", "head"]);
    }

    /// <summary>
    /// On the checkpoint, against the reference; then on a small random model whose heads are wider (d_head 4) than
    /// d_model / n_heads (2), against the positional softmax computed here: the checkpoint's d_head, 16 = 64 / 4, cannot
    /// tell √d_head from √(d_model / n_heads).
    /// </summary>
    [Test, Points(2)]
    public void PreviousTokenScores_FromThePositionalQkCircuits_MatchTheReference_AndScaleByD_head()
    {
        var model = InductionModel.Load(Device).Model;
        using var golden = Golden.Open("prev_token_from_weights");

        golden.AssertClose("scores", HeadFinding.PreviousTokenScores(model), "HeadFinding.PreviousTokenScores [n_heads]: each layer-0 head's positional attention to q − 1", axes: ["layer-0 head"]);

        manual_seed(31);
        var wide = new HookedAttnOnlyTransformer(new HookedTransformerConfig(d_model: 6, n_layers: 2, n_heads: 3, d_head: 4, d_mlp: 0, d_vocab: 7, n_ctx: 6,
            init_range: 0.8, attn_only: true));
        wide.eval();
        wide.to(Device);
        Tensor expected; // [n_heads], from the weights with plain torch ops in float64, before homework code sees the model
        using (no_grad())
        {
            var W_pos = wide.W_pos.to(ScalarType.Float64); // [n_ctx, d_model]
            var attn = wide.blocks[0].attn;
            var qk = W_pos.matmul(attn.W_Q.to(ScalarType.Float64)).matmul(attn.W_K.to(ScalarType.Float64).transpose(1, 2)).matmul(W_pos.T) / Math.Sqrt(4); // [head, query_pos, key_pos]
            var future = ones(6, 6, ScalarType.Bool, Device).triu(1);
            expected = qk.masked_fill(future, double.NegativeInfinity).softmax(-1).diagonal(-1, 1, 2).mean([1]).to(ScalarType.Float32).cpu();
        }

        // The SDK's float32 policy (the default): a few float32 products and a softmax against float64. √(d_model / n_heads)
        // for √d_head moves these scores by 0.008 to 0.05, at a scale of 0.43: hundreds of times that bound (2.7e-5 here).
        TensorAssert.Close(HeadFinding.PreviousTokenScores(wide).cpu(), expected, name:
            "PreviousTokenScores on a model with d_model 6, n_heads 3 and d_head 4: softmax(W_pos W_Q W_Kᵀ W_posᵀ / √d_head), with d_head = 4 from the config " +
            "(not d_model / n_heads = 2)", axes: ["layer-0 head"]);
    }

    // One test per measure (both read the golden "behavioural_scores"): two wrong measures lose the points of both.
    [Test, Points(1)]
    public void PrevTokenScores_OnRepeatedTokens_MatchTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        var tokens = Repeated();
        using var golden = Golden.Open("behavioural_scores");

        golden.AssertClose("prev_token", Behaviour.PrevTokenScores(model, tokens), "Behaviour.PrevTokenScores [n_layers, n_heads]: mean attention to the position before", axes: ["layer", "head"]);
    }

    [Test, Points(1)]
    public void InductionScores_OnRepeatedTokens_MatchTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        var tokens = Repeated();
        using var golden = Golden.Open("behavioural_scores");

        golden.AssertClose("induction", Behaviour.InductionScores(model, tokens), "Behaviour.InductionScores [n_layers, n_heads]: mean attention from q to q − half + 1", axes: ["layer", "head"]);
    }

    [Test, Points(2)]
    public void RepeatedHalfLoss_CleanAndWithEachLayer1HeadAblated_MatchesTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        var tokens = Repeated();
        using var golden = Golden.Open("repeated_half_loss");

        var losses = new[] { (float)Behaviour.RepeatedHalfLoss(model, tokens) }
            .Concat(Enumerable.Range(0, 4).Select(head => (float)Behaviour.RepeatedHalfLoss(model, tokens, (1, head)))).ToArray();

        golden.AssertClose("losses", tensor(losses), "Behaviour.RepeatedHalfLoss, clean then with each layer-1 head mean-ablated: second-half loss", axes: ["clean, then layer-1 head ablated"]);
    }
}
