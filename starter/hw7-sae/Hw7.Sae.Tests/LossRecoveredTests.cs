using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class LossRecoveredTests : TorchTest
{
    [Test, Points(2)]
    public void Measure_ScoresAPerfectReconstructionOne_AndZerosZero()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(8, 720, Clause.ObjectRelative), vocabulary);
        // As while an SAE is trained beside the model: its parameters require grad. The model records whether gradients were
        // on as each of its forward passes in Measure began (a pass keeps that mode to its end, whatever its hooks do).
        foreach (var parameter in model.parameters()) parameter.requires_grad_(true);
        double clean;
        using (no_grad())
            clean = PromptLoss.Of(model.call(batch.Tokens.to(Device)), batch, vocabulary).ToDouble();
        IReadOnlyList<bool> gradsOn;
        LossRecovered.Result perfect, nothing;
        using (var passes = model.WatchPasses())
        {
            perfect = LossRecovered.Measure(model, vocabulary, batch, "blocks.1.hook_resid_pre", x => x);
            nothing = LossRecovered.Measure(model, vocabulary, batch, "blocks.1.hook_resid_pre", x => zeros_like(x));
            gradsOn = passes.GradientsOn;
        }

        Assert.That(perfect.Clean, Is.EqualTo(clean).Within(1e-6), "Clean: the loss of the model as it is");
        Assert.That(perfect.Spliced, Is.EqualTo(clean).Within(1e-6), "Spliced, when the reconstruction is the activation itself");
        Assert.That(perfect.ZeroAblated, Is.GreaterThan(clean + 0.5), "ZeroAblated: the model without its residual stream at layer 1 predicts far worse");
        Assert.That(perfect.Score, Is.EqualTo(1).Within(1e-5), "the score of a perfect reconstruction");
        Assert.That(nothing.Score, Is.EqualTo(0).Within(1e-5), "the score of a reconstruction that is all zeros");
        Assert.That(gradsOn, Is.Not.Empty.And.All.False,
            "gradients on as each forward pass of the model in Measure began, while its parameters require grad: expected off in every pass (run all three under no_grad, as the doc says)");
        Assert.That(model.HookedPointNames(), Is.Empty, "hook points that still have hooks");
    }

    [Test, Points(1)]
    public void Measure_CallsTheReconstructionOnRowsOfDModel()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(4, 721, Clause.None), vocabulary);
        var shapes = new List<long[]>();
        long rows = batch.Tokens.numel(); // [batch, pos], read before homework code has the batch

        LossRecovered.Measure(model, vocabulary, batch, "blocks.0.hook_resid_post", x => { shapes.Add(x.shape); return x; });

        Assert.That(shapes, Is.Not.Empty, "the reconstruction was never called");
        Assert.That(shapes.Select(s => string.Join("x", s)), Is.All.EqualTo($"{rows}x64"), "the shape the SAE is given: [batch * pos, d_model]");
    }
}
