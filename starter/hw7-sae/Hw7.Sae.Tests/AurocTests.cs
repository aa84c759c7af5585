using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class AurocTests : TorchTest
{
    [TestCase("0.1 0.2 0.8 0.9", "FFTT", 1.0)] // positives all above
    [TestCase("0.1 0.2 0.8 0.9", "TTFF", 0.0)] // positives all below
    [TestCase("0.5 0.5 0.5 0.5", "TFTF", 0.5)] // all tied: each pair counts one half
    [TestCase("0.1 0.4 0.35 0.8", "FFTT", 0.75)] // sklearn's roc_auc_score example
    [TestCase("1.0 2.0 2.0 3.0 0.0", "FTFTF", 11.0 / 12)] // one tie across the classes: 5.5 of 6 pairs
    [Points(5)]
    public void Of_IsTheProbabilityAPositiveOutscoresANegative_TiesCountingOneHalf(string scoreList, string labelList, double expected)
    {
        // Scores as numbers separated by spaces, labels one letter each: T for a positive, F for a negative.
        double[] scores = [.. scoreList.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
        bool[] labels = [.. labelList.Select(c => c == 'T')];
        Assert.That(Auroc.Of(tensor(scores).to(Device), tensor(labels).to(Device)), Is.EqualTo(expected).Within(1e-12),
            $"AUROC of scores [{string.Join(", ", scores)}] for labels [{string.Join(", ", labels)}]");

        // The same case with a positive above every score and a negative above that: the new positive outscores the N old
        // negatives only, and the new negative outscores every positive.
        double top = scores.Max();
        long positives = labels.Count(l => l), negatives = labels.Length - positives;
        double extended = (expected * positives * negatives + negatives) / ((positives + 1.0) * (negatives + 1.0));
        double[] moreScores = [.. scores, top + 1, top + 2];
        bool[] moreLabels = [.. labels, true, false];
        Assert.That(Auroc.Of(tensor(moreScores).to(Device), tensor(moreLabels).to(Device)), Is.EqualTo(extended).Within(1e-12),
            $"AUROC of scores [{string.Join(", ", moreScores)}] for labels [{string.Join(", ", moreLabels)}]");

        // The same case squeezed into [1, 1 + 4e-9] in float64: the order and the ties are kept (float64 tells the scores
        // apart), but float32, whose resolution at 1 is 1.2e-7, would make them all tie.
        double[] squeezed = [.. scores.Select(s => 1 + s * 1e-9)];
        Assert.That(Auroc.Of(tensor(squeezed).to(Device), tensor(labels).to(Device)), Is.EqualTo(expected).Within(1e-12),
            $"AUROC of float64 scores 1 + 1e-9 × [{string.Join(", ", scores)}] for labels [{string.Join(", ", labels)}]: rank the scores in their own dtype (float64 here), not rounded to float32");
    }
}
