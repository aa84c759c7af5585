using Course.Lens;
using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class ResidualSaeTests : TorchTest
{
    [Test, Points(3)]
    public void Activations_AreEveryRealPositionOfEveryPrompt_InOrder_WithoutThePadding()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of([.. AgreementPrompts.Sample(3, 710, Clause.None), .. AgreementPrompts.Sample(2, 711, Clause.ObjectRelative)], vocabulary);
        var full = ResidualSae.Read(model, batch, "blocks.1.hook_resid_pre"); // [batch, pos, d_model]
        var expected = cat([.. batch.Prompts.Select((p, b) => full[b, ..(p.VerbPosition + 1)])], 0);

        var activations = ResidualSae.Activations(model, batch, "blocks.1.hook_resid_pre");

        TensorAssert.Close(activations, expected, name: $"the rows of {batch.Prompts.Sum(p => p.Text.Length)} real positions, prompt by prompt");
        Assert.That(model.HookPoints.Values.Where(h => h.HookCount > 0).Select(h => h.Name), Is.Empty, "hook points that still have hooks");
    }

    [Test, Points(1)]
    public void AtVerb_IsEachPromptsLastRealPosition()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(6, 712, Clause.SubjectRelative), vocabulary);
        var full = ResidualSae.Read(model, batch, "blocks.0.hook_resid_post");
        var expected = stack([.. batch.Prompts.Select((p, b) => full[b, p.VerbPosition])]);

        TensorAssert.Close(ResidualSae.AtVerb(model, batch, "blocks.0.hook_resid_post"), expected, name: "the activation at each prompt's verb position");
    }

    [Test, Points(1)]
    public void Train_StartsFromTheSeededInit_WithBDecAtTheActivationsMean()
    {
        using var seeded = new Seeded(713);
        var activations = seeded.Randn([500, 8]) * 2 + 3; // [n, d_model], mean about 3
        var mean = activations.mean([0]); // [d_model]

        var (sae, history) = ResidualSae.Train(activations, 16, new SaeTrainingOptions(1, 0, 32), seed: 5);
        var fresh = new SparseAutoencoder(8, 16, seed: 5);

        Assert.That(history.Loss, Is.Empty, "no steps were asked for");
        TensorAssert.Close(sae.b_dec, mean, name: "b_dec before any step: the mean activation");
        TensorAssert.Close(sae.W_dec, fresh.W_dec.to(Device), name: "W_dec before any step: SparseAutoencoder's init with the same seed");
    }
}
