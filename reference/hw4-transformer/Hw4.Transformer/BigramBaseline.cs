namespace Hw4.Transformer;

/// <summary>
/// The baseline a transformer has to beat: an add-alpha smoothed bigram model of the token stream, as in hw1, counted on
/// training tokens and scored on other tokens. It predicts each token from the one before it only.
/// </summary>
public static class BigramBaseline
{
    /// <summary>
    /// The mean negative log-likelihood, in nats per token, of <c>evaluation[t + 1]</c> given <c>evaluation[t]</c> for every t,
    /// under <c>P(j | i) = (C[i, j] + alpha) / (sum_k C[i, k] + alpha V)</c> with the bigram counts C of <paramref name="training"/>.
    /// </summary>
    public static double Loss(IReadOnlyList<long> training, IReadOnlyList<long> evaluation, long vocabSize, double alpha = 1.0)
    {
        if (evaluation.Count < 2) throw new ArgumentException("need at least two evaluation tokens", nameof(evaluation));
        int V = checked((int)vocabSize);
        var counts = new double[V, V];
        var rowTotals = new double[V];
        for (int t = 0; t + 1 < training.Count; t++)
        {
            counts[training[t], training[t + 1]]++;
            rowTotals[training[t]]++;
        }
        double total = 0;
        for (int t = 0; t + 1 < evaluation.Count; t++)
        {
            long i = evaluation[t], j = evaluation[t + 1];
            total -= Math.Log((counts[i, j] + alpha) / (rowTotals[i] + alpha * V));
        }
        return total / (evaluation.Count - 1);
    }
}
