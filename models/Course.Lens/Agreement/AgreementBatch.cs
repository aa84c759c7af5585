using static TorchSharp.torch;

namespace Course.Lens.Agreement;

/// <summary>
/// Prompts as one batch for the model: the tokens right-padded with spaces to the longest prompt (padding after a
/// prompt's end cannot change what a causal model computes at or before it), each prompt's verb position, and the
/// subject's number. All on the CPU; move them with <c>.to(device)</c>.
/// </summary>
/// <param name="Tokens"><c>[batch, pos]</c> int64.</param>
/// <param name="VerbPosition"><c>[batch]</c> int64: where each prompt ends.</param>
/// <param name="PluralSubject"><c>[batch]</c> bool.</param>
public sealed record AgreementBatch(Tensor Tokens, Tensor VerbPosition, Tensor PluralSubject, IReadOnlyList<AgreementPrompt> Prompts)
{
    public static AgreementBatch Of(IReadOnlyList<AgreementPrompt> prompts, CharVocabulary vocabulary)
    {
        if (prompts.Count == 0) throw new ArgumentException("a batch needs at least one prompt", nameof(prompts));
        int length = prompts.Max(p => p.Text.Length);
        var ids = prompts.SelectMany(p => vocabulary.Encode(p.Text.PadRight(length))).ToArray();
        return new AgreementBatch(
            tensor(ids).reshape(prompts.Count, length),
            tensor(prompts.Select(p => (long)p.VerbPosition).ToArray()),
            tensor(prompts.Select(p => p.PluralSubject).ToArray()),
            prompts);
    }
}
