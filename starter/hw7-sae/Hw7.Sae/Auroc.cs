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
        throw new NotImplementedException("Auroc.Of: rank the scores (1-based, ties get the average of their ranks), sum the positives' ranks R; AUROC = (R - n_pos (n_pos + 1) / 2) / (n_pos n_neg)");
    }
}
