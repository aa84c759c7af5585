using System.Runtime.InteropServices;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenMultiHeadAttentionTests : TorchTest
{
    /// <summary>2^-52, the spacing of float64 numbers near 1.</summary>
    const double Float64Epsilon = 2.220446049250313e-16;

    static AttentionConfig Config => new(d_model: 12, n_heads: 3, d_head: 5, n_ctx: 16, init_range: 0.3);

    /// <summary>
    /// A layer of <see cref="Config"/> whose weights and biases the test drew (never the constructor's), on the device under test,
    /// and the draws: what the test computes its expected values from (never a second read of the layer's fields).
    /// </summary>
    static (MultiHeadAttention Attention, AttentionByHand.Weights Weights) WithDrawnWeights(Seeded seeded)
    {
        var attention = new MultiHeadAttention(Config);
        var weights = AttentionByHand.Draw(attention, Config, seeded);
        attention.to(Device);
        return (attention, weights);
    }

    /// <summary>A head of width 5 on d_model = 12 whose weights the test drew, on the device under test, and the draws.</summary>
    static (AttentionHead Head, AttentionByHand.Weights Weights) HeadWithDrawnWeights(Seeded seeded)
    {
        var head = new AttentionHead(d_model: 12, d_head: 5, init_range: 0.3);
        var weights = AttentionByHand.Draw(head, d_model: 12, d_head: 5, seeded);
        head.to(Device);
        return (head, weights);
    }

    [Test, Points(3)]
    public void WithOneHead_MatchesAttentionHead_WithTheSameWeights()
    {
        using var seeded = new Seeded(110);
        var (head, weights) = HeadWithDrawnWeights(seeded);
        // The head's draws are a layer of one head with zero biases: the same weights, written by the test into both modules.
        var attention = new MultiHeadAttention(Config with { n_heads = 1 });
        AttentionByHand.Write(attention, weights);
        attention.to(Device);
        var x = seeded.Randn([2, 6, 12]);
        var (expected, expectedPattern) = AttentionByHand.Attend(weights, x);

        var attentionOutput = attention.call(x);
        var headOutput = head.call(x);

        TensorAssert.Close(attentionOutput, headOutput, name: "MultiHeadAttention with n_heads = 1 and zero biases vs AttentionHead with the same weights");
        TensorAssert.Close(attention.Pattern!.squeeze(1), head.Pattern!, name: "MultiHeadAttention.Pattern[:, 0] vs AttentionHead.Pattern");
        // The two agree; they must also be attention: the values the test computes from the same weights.
        TensorAssert.Close(headOutput, expected, name:
            "AttentionHead output vs softmax(mask(q k^T / sqrt(d_head))) v W_O computed by the test from the same weights: the two modules agree " +
            "with each other but not with attention, so a step they share (Attention.Scores, Attention.Pattern, CausalMask.Apply) or the formula is off");
        TensorAssert.Close(head.Pattern!, expectedPattern.squeeze(1), name:
            "AttentionHead.Pattern vs softmax(mask(q k^T / sqrt(d_head))) computed by the test from W_Q and W_K: the pattern of the scores, masked, softmaxed over the keys");
    }

    [Test, Points(4)]
    public void Forward_IsCausal_ChangingLaterPositionsLeavesEarlierOutputsUnchanged()
    {
        using var seeded = new Seeded(111);
        var (attention, weights) = WithDrawnWeights(seeded);
        var x = seeded.Randn([2, 9, 12]);
        var changed = x.clone();
        changed[.., 4..] = seeded.Randn([2, 5, 12]);
        var (expected, _) = AttentionByHand.Attend(weights, x);
        var (expectedChanged, _) = AttentionByHand.Attend(weights, changed);

        var output = attention.call(x);
        var changedOutput = attention.call(changed);

        TensorAssert.Close(changedOutput[.., ..4], output[.., ..4], name:
            "MultiHeadAttention outputs at positions 0..3 after changing positions 4..8 (a position must not see later ones)");
        Assert.That(changedOutput[.., 4..].isclose(output[.., 4..]).logical_not().sum().item<long>(), Is.GreaterThan(0),
            $"entries of the outputs at positions 4..8 (of {output[.., 4..].numel()}) that changed when their inputs did (none: is the output computed from x, through the attention?)");
        // Causal, and attention: outputs that ignore the other positions (x times a constant) are causal too.
        TensorAssert.Close(output, expected, name:
            "MultiHeadAttention output vs the causal attention the test computes from the same weights and biases (sum over heads of " +
            "softmax(mask(q k^T / sqrt(d_head))) v W_O, plus b_O): causal, but not these values");
        TensorAssert.Close(changedOutput, expectedChanged, name:
            "MultiHeadAttention output on the changed input vs the causal attention the test computes from the same weights and biases");
    }

    [Test, Points(2)]
    public void Forward_DoesNotModifyItsInput_InAHeadOrInMultiHeadAttention()
    {
        using var seeded = new Seeded(112);
        var (head, headWeights) = HeadWithDrawnWeights(seeded);
        var (attention, weights) = WithDrawnWeights(seeded);
        var x = seeded.Randn([2, 5, 12]);
        var before = x.clone();

        var (expectedHead, _) = AttentionByHand.Attend(headWeights, before);
        var (expectedAttention, _) = AttentionByHand.Attend(weights, before);

        var headOutput = head.call(x);
        TensorAssert.Close(x, before, Tolerance.Exact, "x after AttentionHead.call(x) (use out-of-place ops on the input)");
        var attentionOutput = attention.call(x);
        TensorAssert.Close(x, before, Tolerance.Exact, "x after MultiHeadAttention.call(x) (use out-of-place ops on the input)");
        // Leaving x alone is only worth something with the right outputs from it.
        TensorAssert.Close(headOutput, expectedHead, name:
            "AttentionHead output vs softmax(mask(q k^T / sqrt(d_head))) v W_O computed by the test from the same weights (x was left as it was, but the output is not attention of it)");
        TensorAssert.Close(attentionOutput, expectedAttention, name:
            "MultiHeadAttention output vs the causal attention the test computes from the same weights and biases (x was left as it was, but the output is not attention of it)");
    }

    [Test, Points(3)]
    public void Backward_ReachesEveryParameter_OfAHeadOfMultiHeadAttentionAndOfTheTransformer()
    {
        // Float64, so that rounding stays far below any real gradient (see b_K below).
        using var seeded = new Seeded(113);
        var (attention, weights) = WithDrawnWeights(seeded);
        attention.to(ScalarType.Float64);
        var (head, headWeights) = HeadWithDrawnWeights(seeded);
        head.to(ScalarType.Float64);
        var transformerConfig = Config with { d_vocab = 10, n_layers = 2 };
        var transformer = new AttentionOnlyTransformer(transformerConfig);
        AttentionByHand.Draw(transformer, transformerConfig, seeded);
        transformer.to(Device).to(ScalarType.Float64);

        // The gradient must reach the input too, through q, k and v alike (it trains W_E, W_pos and the blocks before): the test
        // takes it by autograd through the attention it writes out, from the weights and inputs as they are before the calls.
        var attentionInput = seeded.Randn([2, 5, 12], ScalarType.Float64).requires_grad_();
        var headInput = seeded.Randn([2, 5, 12], ScalarType.Float64).requires_grad_();
        var expectedAttentionInputGrad = AttentionByHand.InputGradient(weights, attentionInput);
        var expectedHeadInputGrad = AttentionByHand.InputGradient(headWeights, headInput);

        AssertEveryParameterTrains("MultiHeadAttention", attention, () => attention.call(attentionInput));
        AssertInputGradient("MultiHeadAttention", attentionInput.grad, expectedAttentionInputGrad);
        AssertEveryParameterTrains("AttentionHead", head, () => head.call(headInput));
        AssertInputGradient("AttentionHead", headInput.grad, expectedHeadInputGrad);
        AssertEveryParameterTrains("AttentionOnlyTransformer", transformer, () => transformer.call(seeded.Randint(0, 10, [2, 5])));
    }

    static void AssertInputGradient(string what, Tensor? actual, Tensor expected)
    {
        Assert.That(actual, Is.Not.Null, $"x got no gradient from {what}(x).pow(2).sum().backward(): compute q, k and v from x itself, without detach() or a copy of its data");
        TensorAssert.Close(actual!, expected, name:
            $"x.grad after {what}(x).pow(2).sum().backward(), float64, vs the gradient the test takes through softmax(mask(q k^T / sqrt(d_head))) v W_O " +
            "written out: if the forward tests of " + what + " fail, fix those first; where the output is right, a path from x to it is cut: are q, k " +
            "and v all computed from x itself (no x.detach(), no copy of its data, no tensor made from its values)?");
    }

    /// <summary>Backpropagates the sum of squares of <paramref name="forward"/>'s output and checks that every parameter of <paramref name="module"/> got a finite gradient that is not all zeros.</summary>
    static void AssertEveryParameterTrains(string what, nn.Module module, Func<Tensor> forward)
    {
        try
        {
            forward().pow(2).sum().backward();
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException or ArgumentException)
        {
            var first = e.Message.Split('\n')[0];
            // A hint only where the exception's words fit it; anything else points at the forward pass's own tests.
            var hint = first.Contains("inplace", StringComparison.OrdinalIgnoreCase) || first.Contains("in-place", StringComparison.OrdinalIgnoreCase)
                ? "a tensor autograd needs was modified in place in forward (add_, masked_fill_, copy_): use the out-of-place op"
                : first.Contains("does not require grad", StringComparison.Ordinal)
                    ? "the output does not depend on any parameter: is forward computed from the weights, without detach() or no_grad()?"
                    : $"the forward pass or its backward failed; if {what}'s forward tests fail, fix that first";
            Assert.Fail($"{what}(x).pow(2).sum().backward() threw ({first}): {hint}");
        }
        var gradients = new Dictionary<string, double[]>();
        foreach (var (name, parameter) in module.named_parameters())
        {
            // b_K's gradient is zero in exact arithmetic (below), so a forward pass that leaves b_K out computes the same
            // function, and no gradient (null) is that zero too, as hw4's tests take it (a fairness probe, stop 60, found hw3
            // taking 5 points from the rewrite hw4 accepts).
            if (IsKeyBias(name) && parameter.grad is null) continue;
            Assert.That(parameter.grad, Is.Not.Null, $"{what}'s {name} got no gradient: is it used in forward, without detach() or a copy of its data?");
            var values = parameter.grad!.detach().cpu().to_type(ScalarType.Float64).flatten().data<double>().ToArray();
            int notFinite = values.Count(v => !double.IsFinite(v));
            Assert.That(notFinite, Is.Zero,
                $"the gradient of {what}'s {name} has {values.Count(double.IsNaN)} NaN and {values.Count(double.IsInfinity)} Inf values out of {values.Length}: " +
                "look for a -inf mask on a whole row (masking j >= i), a division by zero or an overflow in forward");
            gradients[name] = values;
        }
        // b_K's gradient is zero in exact arithmetic: b_K adds q . b_K to every score of a query, and softmax ignores a
        // shift shared by a whole row. So b_K only has to be in the graph, and its gradient must be rounding noise: below
        // sqrt(machine epsilon) times the largest gradient of the others (float64 rounding leaves about 1e-15 of it).
        static bool IsKeyBias(string name) => name == "b_K" || name.EndsWith(".b_K", StringComparison.Ordinal);
        double largest = gradients.Where(g => !IsKeyBias(g.Key)).SelectMany(g => g.Value).Max(Math.Abs);
        foreach (var (name, values) in gradients)
        {
            if (IsKeyBias(name))
            {
                double bound = Math.Sqrt(Float64Epsilon) * largest, worst = values.Max(Math.Abs);
                Assert.That(worst, Is.Not.NaN.And.LessThanOrEqualTo(bound),
                    $"the gradient of {what}'s {name} reaches {worst:G3} (the largest of the other gradients is {largest:G3}); it is 0 in exact arithmetic, " +
                    "since b_K shifts every score of a query by the same q . b_K, which a softmax over the keys ignores: is b_K added to the keys, k = x W_K + b_K, " +
                    "and not to the queries or the values, and is the softmax taken over the keys (the last dimension), not the queries?");
                continue;
            }
            Assert.That(values.Count(v => v != 0), Is.GreaterThan(0), $"nonzero entries of the gradient of {what}'s {name}, of {values.Count()} (none: is it used in forward?)");
        }
    }

    [Test, Points(2)]
    public void OutputBias_IsAddedOnce_NotOncePerHead()
    {
        using var seeded = new Seeded(114);
        var (attention, weights) = WithDrawnWeights(seeded);
        // A twin with the same weights but W_O = 0, written by the test: its heads add nothing, so its output is b_O alone.
        var silent = new MultiHeadAttention(Config);
        AttentionByHand.Write(silent, weights with { W_O = zeros_like(weights.W_O) });
        silent.to(Device);
        var x = seeded.Randn([2, 4, 12]);
        var (expected, _) = AttentionByHand.Attend(weights, x);

        var output = silent.call(x);
        var withW_O = attention.call(x);

        TensorAssert.Close(output, weights.b_O.to_type(ScalarType.Float32).to(Device).expand(2, 4, 12), name:
            "MultiHeadAttention output with W_O = 0 (it must be b_O at every position: add b_O once, after summing over heads)");
        // b_O once on top of the heads' outputs: with the drawn W_O, the output is the attention the test computes, plus b_O.
        TensorAssert.Close(withW_O, expected, name:
            "MultiHeadAttention output with the drawn W_O vs the causal attention the test computes from the same weights and biases " +
            "(b_O alone came out right with W_O = 0, so the heads' part, sum over heads of softmax(mask(q k^T / sqrt(d_head))) v W_O, is off)");
    }

    [Test, Points(2)]
    public void Pattern_IsExactlyZeroAboveTheDiagonal_AndEachRowSumsToOne()
    {
        using var seeded = new Seeded(115);
        var (attention, weights) = WithDrawnWeights(seeded);
        var x = seeded.Randn([2, 7, 12]);
        var (_, expected) = AttentionByHand.Attend(weights, x);

        attention.call(x);
        var pattern = attention.Pattern!;

        TensorAssert.Shape(pattern, [2, 3, 7, 7], "MultiHeadAttention.Pattern");
        var future = ones(7, 7, ScalarType.Bool, Device).triu(1).expand(2, 3, -1, -1);
        TensorAssert.Close(pattern.masked_select(future), zeros(2 * 3 * 21, device: Device), Tolerance.Exact,
            "MultiHeadAttention.Pattern entries with key_pos > query_pos");
        TensorAssert.Close(pattern.sum(-1), ones(2, 3, 7, device: Device), name: "MultiHeadAttention.Pattern.sum(-1)");
        // Any lower-triangular rows summing to 1 (the identity, say) have these properties: the pattern must be the scores' softmax.
        TensorAssert.Close(pattern, expected, name:
            "MultiHeadAttention.Pattern vs softmax(mask(q k^T / sqrt(d_head))) the test computes per head from W_Q, W_K, b_Q and b_K: " +
            "zero above the diagonal with rows summing to 1, but not the softmax of these scores");
    }

    [Test, Points(3)]
    public void Forward_MatchesTheReference_WithFourHeadsOfWidthThree()
    {
        using var seeded = new Seeded(116);
        using var golden = Golden.Open("mha_four_heads");
        var attention = new MultiHeadAttention(new(d_model: 10, n_heads: 4, d_head: 3, n_ctx: 16));
        golden.LoadParameters(attention, seeded, scale: 0.4);
        var x = golden.Input("x", () => seeded.RandnCpu([3, 9, 10]));

        golden.AssertClose("out", attention.call(x),
            "MultiHeadAttention.call(x) [3, 9, 10]: Σ over heads of softmax(mask(q k^T / √d_head)) v W_O, + b_O");
        golden.AssertClose("pattern", attention.Pattern!, "MultiHeadAttention.Pattern [3, 4, 9, 9], each head's softmax over the keys of its masked scores");
    }

    [Test, Points(1)]
    public void Pattern_IsDetached_InAHeadAndInMultiHeadAttention()
    {
        using var seeded = new Seeded(117);
        var (head, headWeights) = HeadWithDrawnWeights(seeded);
        var (attention, weights) = WithDrawnWeights(seeded);
        var x = seeded.Randn([2, 5, 12]);
        var (_, expectedHead) = AttentionByHand.Attend(headWeights, x);
        var (_, expectedAttention) = AttentionByHand.Attend(weights, x);

        head.call(x);
        attention.call(x);

        foreach (var (what, pattern, expected) in new[]
                 {
                     ("AttentionHead.Pattern", head.Pattern, expectedHead.squeeze(1)),
                     ("MultiHeadAttention.Pattern", attention.Pattern, expectedAttention),
                 })
        {
            Assert.That(pattern, Is.Not.Null, $"{what} is null after a call: set it in forward");
            Assert.That(pattern!.requires_grad, Is.False,
                $"{what} requires grad: it is kept for inspection, detached, and must not hold the forward pass's autograd graph; " +
                "store pattern.detach(), not pattern itself");
            // Detached, and the pattern of this call: softmax(mask(q k^T / sqrt(d_head))), computed by the test from the weights.
            TensorAssert.Close(pattern, expected, name:
                $"{what} vs softmax(mask(q k^T / sqrt(d_head))) the test computes from the same weights: detached, but not the pattern of this forward pass");
        }
    }
}
