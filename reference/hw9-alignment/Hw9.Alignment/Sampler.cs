using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// Completions drawn from a model (ancestral sampling at temperature 1, as hw4's generation does; given here). Each row
/// gets one token at a time until it writes ".", or until <c>maxNewTokens</c>. The draws are made on the CPU with the
/// caller's generator, so a seed gives the same completions on every device.
/// </summary>
public static class Sampler
{
    /// <summary>
    /// <paramref name="count"/> completions of <paramref name="prompt"/>, each cut after its first "." (a completion that
    /// never writes one is returned as far as it got).
    /// </summary>
    public static IReadOnlyList<string> Complete(HookedTransformer model, CharVocabulary vocabulary, string prompt, int count, Generator generator, int maxNewTokens = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        maxNewTokens = Math.Min(maxNewTokens, (int)model.Config.n_ctx - prompt.Length);
        if (maxNewTokens < 1)
            throw new ArgumentException($"a prompt of {prompt.Length} characters leaves no room to write in the model's {model.Config.n_ctx} positions (or maxNewTokens < 1)", nameof(prompt));
        var completions = new List<string>(count);
        for (int first = 0; first < count; first += Chunk)
            completions.AddRange(CompleteRows(model, vocabulary, prompt, Math.Min(Chunk, count - first), generator, maxNewTokens));
        return completions;
    }

    /// <summary>Rows sampled together; more at once would only make bigger tensors, not faster ones, on a CPU.</summary>
    const int Chunk = 64;

    static IEnumerable<string> CompleteRows(HookedTransformer model, CharVocabulary vocabulary, string prompt, int count, Generator generator, int maxNewTokens)
    {
        var device = model.W_E.device;
        var stop = vocabulary.Id('.');
        var texts = new string[count];
        var rows = Enumerable.Range(0, count).ToArray(); // the rows still writing, in the order of tokens' rows
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // The model sees each token once: the keys and values of the ones before it are cached.
        using var cache = new KeyValueCache(model.Config.n_layers);
        var tokens = vocabulary.ToTokens(prompt).expand(count, -1).to(device); // [rows, pos]
        var unseen = tokens; // [rows, new_pos]: the prompt, then each step's token
        for (int step = 0; step < maxNewTokens && rows.Length > 0; step++)
        {
            using var stepScope = NewDisposeScope();
            var probabilities = model.forward(unseen, cache).select(1, -1).softmax(-1).to(ScalarType.Float64).cpu(); // [rows, d_vocab]
            var next = probabilities.multinomial(1, generator: generator); // [rows, 1]
            unseen = next.to(device); // [rows, 1]
            tokens = cat([tokens, unseen], 1); // [rows, pos + 1]
            var finished = next.squeeze(1).eq(stop).data<bool>().ToArray();
            if (finished.Any(f => f) || step == maxNewTokens - 1)
            {
                var written = tokens.cpu().data<long>().ToArray();
                int width = (int)tokens.shape[1];
                for (int i = 0; i < rows.Length; i++)
                    if (finished[i] || step == maxNewTokens - 1)
                        texts[rows[i]] = vocabulary.Decode(written.Skip(i * width + prompt.Length).Take(width - prompt.Length));
                var keep = Enumerable.Range(0, rows.Length).Where(i => !finished[i]).ToArray();
                rows = keep.Select(i => rows[i]).ToArray();
                var kept = tensor(keep.Select(i => (long)i).ToArray()).to(device);
                // Finished rows leave the batch, and the cache.
                (tokens, unseen) = (tokens.index_select(0, kept), unseen.index_select(0, kept));
                cache.Select(kept);
            }
            tokens.MoveToOuterDisposeScope();
            unseen.MoveToOuterDisposeScope();
        }
        return texts;
    }
}
