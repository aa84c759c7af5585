using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// Causal multi-head self-attention with the weights stored per head, as in TransformerLens and hw4, and its hook points:
/// <c>hook_q</c>, <c>hook_k</c>, <c>hook_v</c> and <c>hook_z</c> <c>[batch, pos, head_index, d_head]</c>;
/// <c>hook_attn_scores</c> (after the 1/sqrt(d_head) scaling and the causal mask) and <c>hook_pattern</c>
/// <c>[batch, head_index, query_pos, key_pos]</c>. Head h writes <c>z[:, :, h] W_O[h]</c> into the residual stream;
/// the layer's output is the sum over heads plus <c>b_O</c>.
/// </summary>
public sealed class AttentionHooked : Module<Tensor, Tensor>
{
    public readonly Parameter W_Q; // [n_heads, d_model, d_head]
    public readonly Parameter W_K; // [n_heads, d_model, d_head]
    public readonly Parameter W_V; // [n_heads, d_model, d_head]
    public readonly Parameter W_O; // [n_heads, d_head, d_model]
    public readonly Parameter b_Q; // [n_heads, d_head]
    public readonly Parameter b_K; // [n_heads, d_head]
    public readonly Parameter b_V; // [n_heads, d_head]
    public readonly Parameter b_O; // [d_model]
    public readonly HookPoint hook_q, hook_k, hook_v, hook_attn_scores, hook_pattern, hook_z;

    public AttentionHooked(HookedTransformerConfig cfg, string prefix) : base(nameof(AttentionHooked))
    {
        W_Q = Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_model, cfg.d_head]));
        W_K = Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_model, cfg.d_head]));
        W_V = Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_model, cfg.d_head]));
        W_O = Parameter(normal(0, cfg.init_range, [cfg.n_heads, cfg.d_head, cfg.d_model]));
        b_Q = Parameter(zeros(cfg.n_heads, cfg.d_head));
        b_K = Parameter(zeros(cfg.n_heads, cfg.d_head));
        b_V = Parameter(zeros(cfg.n_heads, cfg.d_head));
        b_O = Parameter(zeros(cfg.d_model));
        (hook_q, hook_k, hook_v) = (new(prefix + "hook_q"), new(prefix + "hook_k"), new(prefix + "hook_v"));
        (hook_attn_scores, hook_pattern, hook_z) = (new(prefix + "hook_attn_scores"), new(prefix + "hook_pattern"), new(prefix + "hook_z"));
        RegisterComponents();
    }

    public IEnumerable<HookPoint> HookPoints => [hook_q, hook_k, hook_v, hook_attn_scores, hook_pattern, hook_z];

    /// <summary><c>x [batch, pos, d_model] → [batch, pos, d_model]</c>.</summary>
    public override Tensor forward(Tensor x) => forward(x, null);

    /// <summary>
    /// <c>x [batch, pos, d_model] → [batch, pos, d_model]</c> for the <c>pos</c> positions after the <paramref name="cache"/>d
    /// ones, which each query may attend to as well; their keys and values join the cache. Hooks see the new positions'
    /// queries, keys and values, and their scores and patterns over every key.
    /// </summary>
    public Tensor forward(Tensor x, KeyValueCacheEntry? cache)
    {
        // Heads are computed as [batch, head, pos, d_head] and shown to hooks as TransformerLens lays them out.
        var q = ByHead(hook_q, einsum("bpm,hmd->bhpd", x, W_Q) + b_Q.unsqueeze(1)); // [batch, head, pos, d_head]
        var k = ByHead(hook_k, einsum("bpm,hmd->bhpd", x, W_K) + b_K.unsqueeze(1)); // [batch, head, pos, d_head]
        var v = ByHead(hook_v, einsum("bpm,hmd->bhpd", x, W_V) + b_V.unsqueeze(1)); // [batch, head, pos, d_head]
        long cached = cache?.Length ?? 0;
        if (cache is not null) (k, v) = cache.Append(k, v); // [batch, head, cached + pos, d_head]
        long queries = q.shape[2], keys = k.shape[2];
        // Query i sits at position cached + i and sees the keys up to it.
        using var future = ones(queries, keys, ScalarType.Bool, x.device).triu(cached + 1); // [query_pos, key_pos]
        var scores = hook_attn_scores.Call((q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1])).masked_fill(future, double.NegativeInfinity));
        var pattern = hook_pattern.Call(scores.softmax(-1)); // [batch, head, query_pos, key_pos]
        var z = ByHead(hook_z, pattern.matmul(v)); // [batch, head, pos, d_head]
        return einsum("bhpd,hdm->bpm", z, W_O) + b_O; // [batch, pos, d_model]
    }

    /// <summary>Runs <paramref name="hook"/> on <c>[batch, pos, head, d_head]</c> and returns the result as <c>[batch, head, pos, d_head]</c>.</summary>
    static Tensor ByHead(HookPoint hook, Tensor heads) => hook.Call(heads.transpose(1, 2)).transpose(1, 2);
}
