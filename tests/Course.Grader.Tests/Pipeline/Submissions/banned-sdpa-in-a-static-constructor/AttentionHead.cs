// Test data: the reference's AttentionHead.cs, but the static constructor, which the runtime runs and no call in the code
// names, calls the banned library call (a door the member graph once left open: every test kept its points). It used to
// keep a delegate to it in a static field for forward; homework code may keep no static state now, so it only calls it.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw3.Attention;

/// <summary>
/// One causal self-attention head, "Attention Is All You Need" (Vaswani et al. 2017), section 3.2.1, without biases:
/// q = x W_Q, k = x W_K, v = x W_V, pattern = softmax(mask(q k^T / sqrt(d_head))), out = (pattern v) W_O.
/// </summary>
public sealed class AttentionHead : Module<Tensor, Tensor>
{
    public readonly Parameter W_Q; // [d_model, d_head]
    public readonly Parameter W_K; // [d_model, d_head]
    public readonly Parameter W_V; // [d_model, d_head]
    public readonly Parameter W_O; // [d_head, d_model]

    static AttentionHead()
    {
        using var q = zeros(1, 2, 2);
        using var weighed = torch.nn.functional.scaled_dot_product_attention(q, q, q, null, 0.0, true);
    }

    public AttentionHead(long d_model, long d_head, double init_range = 0.02) : base(nameof(AttentionHead))
    {
        W_Q = nn.Parameter(normal(0, init_range, [d_model, d_head]));
        W_K = nn.Parameter(normal(0, init_range, [d_model, d_head]));
        W_V = nn.Parameter(normal(0, init_range, [d_model, d_head]));
        W_O = nn.Parameter(normal(0, init_range, [d_head, d_model]));
        RegisterComponents();
    }

    /// <summary>The attention pattern of the last forward pass, <c>[batch, q_pos, k_pos]</c>, detached, for inspection.</summary>
    public Tensor? Pattern { get; private set; }

    /// <summary><c>x [batch, pos, d_model] → [batch, pos, d_model]</c>; also sets <see cref="Pattern"/>.</summary>
    public override Tensor forward(Tensor x)
    {
        var q = x.matmul(W_Q); // [batch, pos, d_head]
        var k = x.matmul(W_K); // [batch, pos, d_head]
        var v = x.matmul(W_V); // [batch, pos, d_head]
        var pattern = Attention.Pattern(Attention.Scores(q, k)); // [batch, q_pos, k_pos]
        Pattern = pattern.detach();
        var z = pattern.matmul(v); // [batch, q_pos, d_head]
        return z.matmul(W_O); // [batch, q_pos, d_model]
    }
}
