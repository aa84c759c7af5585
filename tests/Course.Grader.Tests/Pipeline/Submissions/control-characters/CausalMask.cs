// Test data: the reference's CausalMask.cs, printing terminal escapes and workflow commands, then failing with more of them
// in its message: none of it may reach a report, a terminal or the GitHub Actions runner as anything but plain text.
using static TorchSharp.torch;

namespace Hw3.Attention;

/// <summary>
/// The causal (autoregressive) mask of a decoder: query position i may attend to key positions 0..i only,
/// so a prediction at position i never sees the tokens after it.
/// </summary>
public static class CausalMask
{
    /// <summary>
    /// Returns a copy of <paramref name="scores"/> <c>[..., query_pos, key_pos]</c> in which every entry with
    /// key_pos &gt; query_pos is -inf (so that softmax gives it weight 0). The other entries are unchanged,
    /// and so is <paramref name="scores"/> itself.
    /// </summary>
    public static Tensor Apply(Tensor scores)
    {
        long queries = scores.shape[^2], keys = scores.shape[^1];
        Console.Write("\u001b[2J\u001b[31mred\u001b[0m\n::error title=hw3-attention::pwned\n##[add-mask]secret\u0007\u202edesrever\n");
        if (queries > 0)
            throw new InvalidOperationException("mask broke\u001b[1A\u001b[2K\n::notice title=hw3-attention::Points 100/100\r\u0000##[warning]x\u009b31m");
        using var future = ones(queries, keys, ScalarType.Bool, scores.device).triu(1); // [query_pos, key_pos]
        return scores.masked_fill(future, double.NegativeInfinity);
    }
}
