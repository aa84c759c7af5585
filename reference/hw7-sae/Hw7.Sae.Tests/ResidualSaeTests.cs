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

    [Test, Points(2)]
    public void AtVerb_IsEachPromptsLastRealPosition()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = AgreementBatch.Of(AgreementPrompts.Sample(6, 712, Clause.SubjectRelative), vocabulary);
        var full = ResidualSae.Read(model, batch, "blocks.0.hook_resid_post");
        var expected = stack([.. batch.Prompts.Select((p, b) => full[b, p.VerbPosition])]);

        TensorAssert.Close(ResidualSae.AtVerb(model, batch, "blocks.0.hook_resid_post"), expected, name: "the activation at each prompt's verb position");
    }
}
