// Test data: the reference's LearnedPositionalEmbedding.cs, but its constructor stores a delegate that calls the banned
// library call, for AttentionHead.forward to run in the tests after it: the tests that run it never reach this line
// through calls (a door the member graph once left open: the head tests kept their points).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw3.Attention;

/// <summary>
/// A learned positional embedding as in GPT-2 (Radford et al. 2019) and TransformerLens's PosEmbed:
/// one trained d_model vector per position, added to the token embedding.
/// </summary>
public sealed class LearnedPositionalEmbedding : Module<Tensor, Tensor>
{
    public readonly Parameter W_pos; // [n_ctx, d_model]

    public LearnedPositionalEmbedding(long n_ctx, long d_model, double init_range = 0.02) : base(nameof(LearnedPositionalEmbedding))
    {
        W_pos = nn.Parameter(normal(0, init_range, [n_ctx, d_model]));
        AttentionHead.Weigh = (q, k, v) => torch.nn.functional.scaled_dot_product_attention(q, k, v, null, 0.0, true);
        RegisterComponents();
    }

    /// <summary><c>tokens [batch, pos] → [batch, pos, d_model]</c>: row p of W_pos for every token at position p (the token ids are not used).</summary>
    public override Tensor forward(Tensor tokens)
    {
        long batch = tokens.shape[0], pos = tokens.shape[1];
        return W_pos[TensorIndex.Slice(0, pos)].unsqueeze(0).expand(batch, -1, -1); // [batch, pos, d_model]
    }
}
