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
        // What layer 1 reads after the hook: its first LayerNorm's (x - mean(x)) / scale, all zeros exactly when x is zeros.
        var allZeroPasses = new List<bool>();
        using (model.Hook("blocks.1.ln1.hook_normalized").AddHook((x, _) => { allZeroPasses.Add(x.detach().abs().max().item<float>() == 0); return null; }))
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
        Assert.That(allZeroPasses, Has.Some.True,
            $"in none of Measure's {allZeroPasses.Count} forward passes did layer 1 read zeros at blocks.1.hook_resid_pre (seen at blocks.1.ln1.hook_normalized): " +
            "ZeroAblated is the loss of a run with the activation replaced by zeros_like(activation) by a hook on model.Hook(hookName), not a number derived otherwise");
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
        var given = new List<Tensor>(); // what the reconstruction was called on
        long rows = batch.Tokens.numel(); // [batch, pos], read before homework code has the batch
        // The activation as each pass computed it (this hook is attached first, so it runs before Measure's), and what the
        // layers after it read (blocks.1.hook_resid_pre is blocks.0.hook_resid_post's output): the splice is seen, not trusted.
        var (activations, downstream) = (new List<Tensor>(), new List<Tensor>());
        using (model.Hook("blocks.0.hook_resid_post").AddHook((x, _) => { activations.Add(x.detach().clone()); return null; }))
        using (model.Hook("blocks.1.hook_resid_pre").AddHook((x, _) => { downstream.Add(x.detach().clone()); return null; }))
            LossRecovered.Measure(model, vocabulary, batch, "blocks.0.hook_resid_post", x => { shapes.Add(x.shape); given.Add(x.detach().clone()); return x * 0.5f; });

        Assert.That(shapes, Is.Not.Empty, "the reconstruction was never called");
        Assert.That(shapes.Select(s => string.Join("x", s)), Is.All.EqualTo($"{rows}x64"), "the shape the SAE is given: [batch * pos, d_model]");
        Assert.That(given.All(g => activations.Any(a => TensorAssert.CloseFailure(g, a.reshape(-1, a.shape[^1])) is null)), Is.True,
            "the rows the reconstruction was given are not the activation at blocks.0.hook_resid_post of any of Measure's forward passes: " +
            "call reconstruct on activation.reshape(-1, d_model), the activation the hook receives");
        Assert.That(activations.Zip(downstream).Any(p => TensorAssert.CloseFailure(p.Second, p.First * 0.5f) is null), Is.True,
            $"in none of Measure's {downstream.Count} forward passes did the layers after blocks.0.hook_resid_post read the reconstruction (here 0.5 x): " +
            "splice it in, a hook on model.Hook(hookName) that returns reconstruct(rows).reshape(activation.shape), and measure that run's loss");
    }
}
