using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw3.Attention;

/// <summary>
/// Causal multi-head self-attention, "Attention Is All You Need" (Vaswani et al. 2017), section 3.2.2, with the
/// weights stored per head as in TransformerLens: n_heads independent heads read the residual stream, and the sum
/// of their outputs (each projected by its own slice of W_O) is written back. Summing over heads after W_O is the
/// same as concatenating the heads' z and applying one [n_heads * d_head, d_model] matrix.
/// </summary>
public sealed class MultiHeadAttention : Module<Tensor, Tensor>
{
    public readonly Parameter W_Q; // [n_heads, d_model, d_head]
    public readonly Parameter W_K; // [n_heads, d_model, d_head]
    public readonly Parameter W_V; // [n_heads, d_model, d_head]
    public readonly Parameter W_O; // [n_heads, d_head, d_model]
    public readonly Parameter b_Q; // [n_heads, d_head]
    public readonly Parameter b_K; // [n_heads, d_head]
    public readonly Parameter b_V; // [n_heads, d_head]
    public readonly Parameter b_O; // [d_model]

    public MultiHeadAttention(AttentionConfig cfg) : base(nameof(MultiHeadAttention))
    {
        W_Q = nn.Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_model, cfg.d_head]));
        W_K = nn.Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_model, cfg.d_head]));
        W_V = nn.Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_model, cfg.d_head]));
        W_O = nn.Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_head, cfg.d_model]));
        b_Q = nn.Parameter(zeros(cfg.n_heads, cfg.d_head));
        b_K = nn.Parameter(zeros(cfg.n_heads, cfg.d_head));
        b_V = nn.Parameter(zeros(cfg.n_heads, cfg.d_head));
        b_O = nn.Parameter(zeros(cfg.d_model));
        RegisterComponents();
    }

    /// <summary>The attention pattern of the last forward pass, <c>[batch, n_heads, q_pos, k_pos]</c>, detached.</summary>
    public Tensor? Pattern { get; private set; }

    /// <summary>
    /// <c>x [batch, pos, d_model] → [batch, pos, d_model]</c>; also sets <see cref="Pattern"/>. Differentiable in every
    /// parameter and in <paramref name="x"/>: the gradient reaches x through q, k and v alike (it trains the layers before).
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        throw new NotImplementedException("MultiHeadAttention.forward: per head q, k, v = x W + b as [batch, head, pos, d_head]; Attention.Scores and Attention.Pattern; z = pattern v; sum over heads of z W_O, plus b_O");
    }
}
