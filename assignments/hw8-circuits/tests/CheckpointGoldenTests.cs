using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.HiddenTests;

/// <summary>
/// Every measure of the homework on the shipped checkpoint (<see cref="InductionModel"/>) against the reference's values:
/// the composition scores, the copying scores, the previous-token scores from the weights and from running the model, the
/// induction scores and the repeated half's loss with each layer-1 head mean-ablated.
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

        golden.AssertClose("scores", Composition.Scores(model, kind), axes: ["layer-0 head", "layer-1 head"]);
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

        golden.AssertClose("scores", tensor(scores), axes: ["layer", "head"]);
    }

    [Test, Points(2)]
    public void PreviousTokenScores_FromThePositionalQkCircuits_MatchTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        using var golden = Golden.Open("prev_token_from_weights");

        golden.AssertClose("scores", HeadFinding.PreviousTokenScores(model), axes: ["layer-0 head"]);
    }

    [Test, Points(2)]
    public void BehaviouralScores_OnRepeatedTokens_MatchTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        var tokens = Repeated();
        using var golden = Golden.Open("behavioural_scores");

        golden.AssertClose("prev_token", Behaviour.PrevTokenScores(model, tokens), axes: ["layer", "head"]);
        golden.AssertClose("induction", Behaviour.InductionScores(model, tokens), axes: ["layer", "head"]);
    }

    [Test, Points(2)]
    public void RepeatedHalfLoss_CleanAndWithEachLayer1HeadAblated_MatchesTheReference()
    {
        var model = InductionModel.Load(Device).Model;
        var tokens = Repeated();
        using var golden = Golden.Open("repeated_half_loss");

        var losses = new[] { (float)Behaviour.RepeatedHalfLoss(model, tokens) }
            .Concat(Enumerable.Range(0, 4).Select(head => (float)Behaviour.RepeatedHalfLoss(model, tokens, (1, head)))).ToArray();

        golden.AssertClose("losses", tensor(losses), axes: ["clean, then layer-1 head ablated"]);
    }
}
