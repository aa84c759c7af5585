using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class AurocTests : TorchTest
{
    [TestCase(new[] { 0.1, 0.2, 0.8, 0.9 }, new[] { false, false, true, true }, 1.0)] // positives all above
    [TestCase(new[] { 0.1, 0.2, 0.8, 0.9 }, new[] { true, true, false, false }, 0.0)] // positives all below
    [TestCase(new[] { 0.5, 0.5, 0.5, 0.5 }, new[] { true, false, true, false }, 0.5)] // all tied: each pair counts one half
    [TestCase(new[] { 0.1, 0.4, 0.35, 0.8 }, new[] { false, false, true, true }, 0.75)] // sklearn's roc_auc_score example
    [TestCase(new[] { 1.0, 2.0, 2.0, 3.0, 0.0 }, new[] { false, true, false, true, false }, 11.0 / 12)] // one tie across the classes: 5.5 of 6 pairs
    [Points(5)]
    public void Of_IsTheProbabilityAPositiveOutscoresANegative_TiesCountingOneHalf(double[] scores, bool[] labels, double expected)
    {
        Assert.That(Auroc.Of(tensor(scores).to(Device), tensor(labels).to(Device)), Is.EqualTo(expected).Within(1e-12),
            $"AUROC of scores [{string.Join(", ", scores)}] for labels [{string.Join(", ", labels)}]");
    }
}
