using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer;

/// <summary>
/// Turning next-token logits into a token: temperature scaling and top-k truncation ("Hierarchical Neural Story
/// Generation", Fan, Lewis and Dauphin 2018), then a draw from the softmax.
/// </summary>
public static class Sampling
{
    /// <summary>
    /// <c>logits [..., d_vocab] / temperature</c>, for <paramref name="temperature"/> &gt; 0: below 1 sharpens the
    /// distribution, above 1 flattens it.
    /// </summary>
    public static Tensor ApplyTemperature(Tensor logits, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be > 0 here; 0 means greedy, which SampleNext handles");
        return logits / temperature;
    }

    /// <summary>
    /// A copy of <c>logits [..., d_vocab]</c> in which every entry smaller than the k-th largest of its row is -inf, so that
    /// softmax gives it probability 0. Entries tied with the k-th largest are kept; k &gt;= d_vocab keeps everything.
    /// </summary>
    public static Tensor TopK(Tensor logits, long k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (k >= logits.shape[^1]) return logits.clone();
        var kth = logits.topk((int)k, dim: -1).values[TensorIndex.Ellipsis, TensorIndex.Slice(-1, null)]; // [..., 1]
        return logits.masked_fill(logits < kth, double.NegativeInfinity); // [..., d_vocab]
    }

    /// <summary>
    /// One token per row of <c>logits [batch, d_vocab]</c>: <c>[batch]</c> int64 on the logits' device. Temperature 0 takes the
    /// argmax (greedy). Otherwise apply the temperature, then top-k when <paramref name="topK"/> is given, then draw from the
    /// softmax with <c>multinomial</c> on the CPU, with <paramref name="generator"/> (a CPU generator; null uses the global one),
    /// so that a seed gives the same tokens on every device.
    /// </summary>
    public static Tensor SampleNext(Tensor logits, double temperature, int? topK = null, Generator? generator = null)
    {
        if (temperature < 0 || double.IsNaN(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be >= 0");
        throw new NotImplementedException("Sampling.SampleNext: temperature 0 is argmax over the last dimension; else ApplyTemperature, TopK if topK is set, softmax, then multinomial(1) on the CPU with the generator");
    }
}
