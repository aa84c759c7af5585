using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class NumberLatentTests : TorchTest
{
    [Test, Points(2)]
    public void Find_PicksTheLatentThatSeparatesTheClassesBest_InEitherDirection_ByItsActivation()
    {
        using var seeded = new Seeded(700);
        var plural = seeded.Rand([200]).cpu() > 0.5; // [n]
        var noise = seeded.Rand([200, 6]).cpu().relu(); // [n, d_sae]: latents unrelated to the label
        // Latent 4 fires for singular subjects only (AUROC 0 for plural: separates perfectly the other way); latent 2 is
        // a weaker plural detector; latent 5 never fires.
        var latents = noise.clone();
        latents[.., 4] = (~plural).to(ScalarType.Float32) * 3;
        latents[.., 2] = plural.to(ScalarType.Float32) + seeded.Rand([200]).cpu() * 1.5;
        latents[.., 5] = zeros(200);
        var (withACopy, pluralAgain) = (cat([latents, latents[.., 4..5]], 1), plural.clone()); // [n, d_sae + 1]: latent 6 ties with latent 4
        var (lastBest, pluralForLast) = (cat([noise, latents[.., 4..5]], 1), plural.clone()); // [n, d_sae + 1]: only the last latent separates
        var lastIndex = (int)noise.shape[1];
        // Latent 0 fires for every input, more strongly for plural subjects: its activation separates them perfectly, whether it fires does not.
        var (graded, pluralForGraded) = (stack([plural.to(ScalarType.Float32) + 1, zeros(200)], 1), plural.clone()); // [n, 2]
        var (silent, pluralForSilent) = (zeros(200, 3), plural.clone()); // [n, 3]: no latent ever fires

        var best = NumberLatent.Find(latents.to(Device), plural.to(Device));

        Assert.That(best.Latent, Is.EqualTo(4), "the latent that separates plural from singular subjects best, whichever way it fires");
        Assert.That(best.Auroc, Is.EqualTo(1.0).Within(1e-12), "its separation, max(AUROC, 1 - AUROC)");
        Assert.That(best.FiresForPlural, Is.False, "latent 4 fires for singular subjects");
        Assert.That(NumberLatent.Find(withACopy.to(Device), pluralAgain.to(Device)).Latent, Is.EqualTo(4),
            "latent 6, a copy of latent 4, ties with it: the lowest index wins a tie (> rather than >=)");
        Assert.That(NumberLatent.Find(lastBest.to(Device), pluralForLast.to(Device)).Latent, Is.EqualTo(lastIndex),
            $"the latent that separates best is the last one ({lastIndex} of 0..{lastIndex}): score every latent, the last column included");
        var byActivation = NumberLatent.Find(graded.to(Device), pluralForGraded.to(Device));
        Assert.That((byActivation.Latent, byActivation.FiresForPlural), Is.EqualTo((0, true)),
            "latents [plural + 1, 0]: latent 0 fires for every input, higher for plural subjects; score each latent's activation, not whether it fires");
        Assert.That(byActivation.Auroc, Is.EqualTo(1.0).Within(1e-12), "the AUROC of latent 0's activation [plural + 1] for plural subjects");
        var none = NumberLatent.Find(silent.to(Device), pluralForSilent.to(Device));
        Assert.That((none.Latent, none.Auroc), Is.EqualTo((0, 0.5)),
            "three latents that never fire each score 0.5: the lowest index, latent 0, wins the tie (start the search below chance, not at 0.5)");
    }

    [Test, Points(1)]
    public void DiffOfMeans_IsThePluralMeanMinusTheSingularMean()
    {
        var residuals = tensor(new[] { 1f, 0f, 3f, 2f, 5f, 4f, 0f, 1f }).reshape(4, 2); // [n, d_model]
        var plural = tensor(new[] { true, false, true, false });

        TensorAssert.Close(NumberLatent.DiffOfMeans(residuals.to(Device), plural.to(Device)), tensor(new[] { 1.5f, 0.5f }).to(Device),
            name: "mean of rows 0 and 2 ([3, 2]) minus mean of rows 1 and 3 ([1.5, 1.5])");

        // Classes of unequal size: 3 plural rows, 1 singular (the tiny GPT's prompts are never exactly balanced).
        var unbalanced = tensor(new[] { 1f, 0f, 3f, 2f, 5f, 4f, 0f, 1f }).reshape(4, 2); // [n, d_model]
        TensorAssert.Close(NumberLatent.DiffOfMeans(unbalanced.to(Device), tensor(new[] { true, false, true, true }).to(Device)), tensor(new[] { -1f, -1f / 3 }).to(Device),
            name: "3 plural rows and 1 singular: mean of rows 0, 2 and 3 ([2, 5/3]) minus row 1 ([3, 2]); each class's own mean, not (2 / n) Σ ±row, which assumes n/2 rows each");
    }

    [Test, Points(1)]
    public void Cosine_OfParallelOppositeOrthogonalAndSlantedVectors()
    {
        var a = tensor(new[] { 3f, 4f });
        Assert.That(NumberLatent.Cosine(a.clone(), a * 2), Is.EqualTo(1).Within(1e-12), "parallel");
        Assert.That(NumberLatent.Cosine(a.clone(), -a), Is.EqualTo(-1).Within(1e-12), "opposite");
        Assert.That(NumberLatent.Cosine(a.clone(), tensor(new[] { -4f, 3f })), Is.EqualTo(0).Within(1e-12), "orthogonal");
        // Neither parallel nor orthogonal, and of other lengths: only a · b / (‖a‖ ‖b‖) gives 24/25 (the sign of a · b gives 1, a · b alone 24 · 5).
        Assert.That(NumberLatent.Cosine(a, tensor(new[] { 20f, 15f })), Is.EqualTo(0.96).Within(1e-12),
            "(3, 4) and (20, 15): a · b / (‖a‖ ‖b‖) = 120 / (5 · 25) = 24/25, in float64");
    }
}
