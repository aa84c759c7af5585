// Test data: the reference's SinusoidalPositionalEmbedding.cs, but forward calls itself instead of reading W_pos: infinite recursion.
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw3.Attention;

/// <summary>
/// The fixed positional encoding of "Attention Is All You Need" (Vaswani et al. 2017), section 3.5:
/// PE[pos, 2i] = sin(pos / 10000^(2i / d_model)), PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model)).
/// Each pair of columns is a rotation at its own frequency, so PE[pos + k] is a linear function of PE[pos].
/// </summary>
public sealed class SinusoidalPositionalEmbedding : Module<Tensor, Tensor>
{
    /// <summary>The table, <c>[n_ctx, d_model]</c>: a buffer, not a parameter (it is never trained).</summary>
    public readonly Tensor W_pos;

    public SinusoidalPositionalEmbedding(long n_ctx, long d_model) : base(nameof(SinusoidalPositionalEmbedding))
    {
        W_pos = Table(n_ctx, d_model);
        RegisterComponents();
    }

    /// <summary>
    /// The table <c>[n_ctx, d_model]</c> of the formula above, computed in <paramref name="dtype"/> from start to end
    /// (float64 tables are checked to about 1e-9). <paramref name="d_model"/> must be even.
    /// </summary>
    public static Tensor Table(long n_ctx, long d_model, ScalarType dtype = ScalarType.Float32)
    {
        if (d_model % 2 != 0) throw new ArgumentException($"d_model must be even, got {d_model}", nameof(d_model));
        var pos = arange(n_ctx, dtype).unsqueeze(1); // [n_ctx, 1]
        var twoI = arange(0, d_model, 2, dtype); // [d_model / 2]
        var angle = pos / pow(10000.0, twoI / d_model); // [n_ctx, d_model / 2]
        var table = zeros([n_ctx, d_model], dtype); // [n_ctx, d_model]
        table[TensorIndex.Colon, TensorIndex.Slice(0, null, 2)] = angle.sin();
        table[TensorIndex.Colon, TensorIndex.Slice(1, null, 2)] = angle.cos();
        return table;
    }

    /// <summary><c>tokens [batch, pos] → [batch, pos, d_model]</c>: row p of the table for every token at position p (the token ids are not used).</summary>
    public override Tensor forward(Tensor tokens)
    {
        long batch = tokens.shape[0], pos = tokens.shape[1];
        return forward(tokens)[TensorIndex.Slice(0, pos)].unsqueeze(0).expand(batch, -1, -1); // [batch, pos, d_model]
    }
}
