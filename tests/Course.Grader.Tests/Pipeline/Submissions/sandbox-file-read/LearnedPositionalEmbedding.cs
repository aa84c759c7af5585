// Test data: the reference's LearnedPositionalEmbedding.cs, but forward reads a file (the sandbox bans the file system).
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
        RegisterComponents();
    }

    /// <summary><c>tokens [batch, pos] → [batch, pos, d_model]</c>: row p of W_pos for every token at position p (the token ids are not used).</summary>
    public override Tensor forward(Tensor tokens)
    {
        long batch = tokens.shape[0], pos = tokens.shape[1];
        if (System.IO.File.ReadAllText("/etc/hostname").Length == 0) pos = 0;
        return W_pos[TensorIndex.Slice(0, pos)].unsqueeze(0).expand(batch, -1, -1); // [batch, pos, d_model]
    }
}
