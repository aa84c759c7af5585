using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.HiddenTests;

/// <summary>
/// The finding itself: the heads read from the weights are the heads that behave as a previous-token head and an induction
/// head when the model runs, and the induction head matters to the model's loss on repeated tokens.
/// </summary>
[Visibility(Visibility.Hidden)]
public sealed class HeadIdentificationTests : TorchTest
{
    [Test, Points(5)]
    public void ThePreviousTokenHeadFromTheWeights_IsTheLayer0HeadThatAttendsMostToThePreviousToken()
    {
        var model = InductionModel.Load(Device).Model;

        int fromWeights = HeadFinding.PreviousTokenHead(model);
        var behaviour = Behaviour.PrevTokenScores(model, CheckpointGoldenTests.Repeated())[0]; // [n_heads]

        Assert.That(fromWeights, Is.EqualTo((int)behaviour.argmax().ToInt64()),
            $"the positional QK circuits point at head 0.{fromWeights}, but running the model, head 0.{behaviour.argmax().ToInt64()} attends most to the previous token " +
            $"(scores {string.Join(", ", behaviour.cpu().to_type(ScalarType.Float32).data<float>().Select(s => s.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))})");
        // The reference on the checkpoint: head 0.2, with positional QK scores 0.11, 0.10, 0.55, 0.08 and behavioural
        // previous-token scores 0.12, 0.10, 0.54, 0.09: far beyond float noise.
        Assert.That(fromWeights, Is.EqualTo(2),
            $"the checkpoint's previous-token head is 0.2 (positional QK score 0.55, the others at most 0.11), not 0.{fromWeights}");
        Assert.That(behaviour[2].ToDouble(), Is.GreaterThan(0.4),
            "running the model, head 0.2 puts about 0.54 of its attention on the previous token: PrevTokenScores(...)[0, 2] must say so");
    }

    [Test, Points(2)] // 2 of the 5 the behavioural test below had
    public void InductionHead_IsTheCopyingLayer1HeadThatKComposesMost_WithThePreviousTokenHeadGiven_OrThrowsWhenNoneCopies()
    {
        // The reference on the checkpoint, with previous-token head 0.2: the layer-1 heads' K-composition with it is 0.382,
        // 0.351, 0.273 and 0.373, and every one copies (copying scores 0.987 to 0.997), so the head is 1.0, 2.4% above 1.3:
        // far beyond float noise. Negating head 1.0's W_O leaves its K-composition as it was and turns its copying score to
        // about -0.99, so the head is then 1.3. (Every layer-1 head behaves as an induction head here, so the behavioural test
        // below cannot tell them apart.)
        var model = InductionModel.Load(Device).Model;
        var flipped = InductionModel.Load(Device).Model;
        using (no_grad()) flipped.blocks[1].attn.W_O[0].neg_();
        var noneCopies = InductionModel.Load(Device).Model;
        using (no_grad()) noneCopies.blocks[1].attn.W_O.neg_(); // every layer-1 head's copying score about -0.99

        Assert.That(HeadFinding.InductionHead(model, previousTokenHead: 2), Is.EqualTo(0),
            "InductionHead(checkpoint, previous-token head 0.2): expected 1.0, the copying layer-1 head whose K-composition with 0.2 is largest (0.382); " +
            "check K (not Q) composition, its row for the previous-token head (not its column), and the largest (not the smallest)");
        Assert.That(HeadFinding.InductionHead(flipped, previousTokenHead: 2), Is.EqualTo(3),
            "InductionHead with head 1.0's W_O negated (it no longer copies, its K-composition unchanged): expected 1.3, the next most K-composing head; " +
            "only heads with a positive copying score count");
        // With head 0.3 given instead, the layer-1 heads' K-composition with it is 0.182, 0.203, 0.226 and 0.167: head 1.2, 11% above 1.1.
        Assert.That(HeadFinding.InductionHead(model, previousTokenHead: 3), Is.EqualTo(2),
            "InductionHead(checkpoint, previous-token head 0.3): expected 1.2, the copying layer-1 head whose K-composition with 0.3 is largest: use the head you are given");
        Assert.Throws<InvalidOperationException>(() => HeadFinding.InductionHead(noneCopies, previousTokenHead: 2),
            "InductionHead with every layer-1 head's W_O negated (none copies) must throw the documented InvalidOperationException, not return a head or -1");
    }

    [Test, Points(3)]
    public void TheInductionHeadFromTheWeights_BehavesAsAnInductionHead_AndAblatingItCostsLossOnTheRepeat()
    {
        var model = InductionModel.Load(Device).Model;
        var tokens = CheckpointGoldenTests.Repeated();
        double expectedClean; // the clean loss, computed here before homework code sees the model or the tokens
        using (no_grad())
        {
            var copy = tokens.clone(); // [100, 2 half]
            var logits = InductionModel.Load(Device).Model.call(copy); // [batch, 2 half, d_vocab]
            int half = (int)(copy.shape[1] / 2);
            expectedClean = nn.functional.cross_entropy(logits[.., half..^1].reshape(-1, logits.shape[^1]), copy[.., (half + 1)..].reshape(-1)).ToDouble();
        }

        int head = HeadFinding.InductionHead(model, HeadFinding.PreviousTokenHead(model));
        double score = Behaviour.InductionScores(model, tokens)[1, head].ToDouble();
        double clean = Behaviour.RepeatedHalfLoss(model, tokens), ablated = Behaviour.RepeatedHalfLoss(model, tokens, (1, head));

        // The reference: every layer-1 head is an induction head (scores 0.85-0.89, layer 0's at most 0.05), and mean-ablating
        // any one of them raises the repeated half's loss from 0.353 by 0.16 to 0.54 nats (the checkpoint's README). 0.5 and
        // 0.1 nats leave room for other correct measures while still telling an induction head from any other.
        Assert.That(score, Is.GreaterThan(0.5), $"head 1.{head}, found from the weights, has an induction score of only {score:F2} on repeated tokens");
        double layer0 = Behaviour.InductionScores(model, tokens)[0].max().ToDouble();
        Assert.That(layer0, Is.Not.NaN.And.LessThan(0.5),
            $"layer 0's heads are no induction heads (the reference's scores are at most 0.05), but the largest of their induction scores is {layer0:F2}");
        Assert.That(clean, Is.EqualTo(expectedClean).Within(Tolerance.For(ScalarType.Float32, DeviceType.CPU).Allowed(expectedClean, expectedClean)),
            "RepeatedHalfLoss(checkpoint, repeated tokens) with nothing ablated: the mean cross-entropy of the logits at positions half..2 half - 2 against the tokens one later (about 0.353)");
        Assert.That(ablated - clean, Is.GreaterThan(0.1),
            $"mean-ablating head 1.{head} moves the repeated half's loss from {clean:F3} to {ablated:F3} nats: an induction head the model relies on costs more than 0.1");
    }
}
