using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// The area under the ROC curve of a score for a binary label: the probability that a random positive scores higher
/// than a random negative, ties counting one half (the Mann-Whitney U statistic over the product of the class sizes).
/// 1 is a perfect detector, 0.5 chance, 0 a perfect detector of the other class.
/// </summary>
public static class Auroc
{
    /// <summary><c>scores [n]</c> (any float dtype), <c>labels [n]</c> bool → the AUROC.</summary>
    /// <exception cref="ArgumentException">The labels are all of one class.</exception>
    public static double Of(Tensor scores, Tensor labels)
    {
        var s = scores.to(ScalarType.Float64).cpu().data<double>().ToArray();
        var y = labels.cpu().data<bool>().ToArray();
        long positives = y.LongCount(b => b), negatives = y.Length - positives;
        if (positives == 0 || negatives == 0) throw new ArgumentException("AUROC needs both classes among the labels", nameof(labels));
        var order = Enumerable.Range(0, s.Length).OrderBy(i => s[i]).ToArray();
        var ranks = new double[s.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && s[order[end + 1]] == s[order[start]]) end++;
            double average = (start + end) / 2.0 + 1; // ranks start at 1
            for (int k = start; k <= end; k++) ranks[order[k]] = average;
            start = end + 1;
        }
        double positiveRanks = Enumerable.Range(0, s.Length).Where(i => y[i]).Sum(i => ranks[i]);
        return (positiveRanks - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }
}
