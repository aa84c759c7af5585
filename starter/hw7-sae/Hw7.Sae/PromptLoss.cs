using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Given. The next-character loss on a batch of agreement prompts: at each position of a prompt, the cross-entropy of the
/// character that follows (the prompt's own, and at its verb position the ending that agrees with its subject); the
/// right padding is not scored.
/// </summary>
public static class PromptLoss
{
    /// <summary><c>logits [batch, pos, d_vocab]</c> of <paramref name="batch"/>'s tokens → the mean loss over the scored positions, a scalar.</summary>
    public static Tensor Of(Tensor logits, AgreementBatch batch, CharVocabulary vocabulary)
    {
        long rows = batch.Tokens.shape[0], length = batch.Tokens.shape[1];
        var targets = new long[rows * length];
        var scored = new bool[rows * length];
        for (int b = 0; b < rows; b++)
        {
            var next = vocabulary.Encode(batch.Prompts[b].Text + batch.Prompts[b].CorrectNext)[1..]; // the character after each position
            for (int p = 0; p < next.Length; p++) (targets[b * length + p], scored[b * length + p]) = (next[p], true);
        }
        var device = logits.device;
        var losses = nn.functional.cross_entropy(logits.reshape(rows * length, -1), tensor(targets).to(device), reduction: nn.Reduction.None); // [batch * pos]
        return losses.masked_select(tensor(scored).to(device)).mean();
    }
}
