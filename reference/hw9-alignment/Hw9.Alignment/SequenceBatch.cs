using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// Prompts with their completions as one batch for the model, right-padded to the longest row (padding after a row's end
/// cannot change what a causal model computes at or before it). All on the CPU; move them with <see cref="To"/>.
/// </summary>
/// <param name="Tokens"><c>[batch, pos]</c> int64: each row's prompt, then its completion, then padding.</param>
/// <param name="CompletionMask"><c>[batch, pos]</c> bool: true exactly at the completion's tokens (not the prompt's, not padding).</param>
/// <param name="Lengths"><c>[batch]</c> int64: each row's prompt and completion length; <c>Lengths - 1</c> is its last token.</param>
public sealed record SequenceBatch(Tensor Tokens, Tensor CompletionMask, Tensor Lengths)
{
    /// <summary>The token that fills a row after its end (a space).</summary>
    public const char Padding = ' ';

    public long Count => Tokens.shape[0];

    public static SequenceBatch Of(IReadOnlyList<(string Prompt, string Completion)> rows, CharVocabulary vocabulary)
    {
        if (rows.Count == 0) throw new ArgumentException("a batch needs at least one row", nameof(rows));
        int length = rows.Max(r => r.Prompt.Length + r.Completion.Length);
        var ids = rows.SelectMany(r => vocabulary.Encode((r.Prompt + r.Completion).PadRight(length, Padding))).ToArray();
        var mask = rows.SelectMany(r => Enumerable.Range(0, length).Select(t => t >= r.Prompt.Length && t < r.Prompt.Length + r.Completion.Length)).ToArray();
        return new SequenceBatch(
            tensor(ids).reshape(rows.Count, length),
            tensor(mask).reshape(rows.Count, length),
            tensor(rows.Select(r => (long)(r.Prompt.Length + r.Completion.Length)).ToArray()));
    }

    /// <summary><paramref name="completions"/> of one <paramref name="prompt"/>, e.g. samples to score or to measure KL on.</summary>
    public static SequenceBatch Of(string prompt, IReadOnlyList<string> completions, CharVocabulary vocabulary) =>
        Of(completions.Select(c => (prompt, c)).ToList(), vocabulary);

    /// <summary>The chosen completions of <paramref name="pairs"/>, in order.</summary>
    public static SequenceBatch Chosen(IReadOnlyList<PreferencePair> pairs, CharVocabulary vocabulary) =>
        Of(pairs.Select(p => (p.Prompt, p.Chosen)).ToList(), vocabulary);

    /// <summary>The rejected completions of <paramref name="pairs"/>, in order.</summary>
    public static SequenceBatch Rejected(IReadOnlyList<PreferencePair> pairs, CharVocabulary vocabulary) =>
        Of(pairs.Select(p => (p.Prompt, p.Rejected)).ToList(), vocabulary);

    /// <summary>The rows <paramref name="index"/> (<c>[k]</c> int64), e.g. a minibatch.</summary>
    public SequenceBatch Rows(Tensor index) => new(Tokens.index_select(0, index), CompletionMask.index_select(0, index), Lengths.index_select(0, index));

    /// <summary>The same batch on <paramref name="device"/>.</summary>
    public SequenceBatch To(Device device) => new(Tokens.to(device), CompletionMask.to(device), Lengths.to(device));
}
