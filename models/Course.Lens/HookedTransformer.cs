using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// hw4's GPT with TransformerLens's hook points (Nanda and Bloom 2022, TransformerLens): the same parameters under the
/// same names (<c>embed.W_E</c>, <c>pos_embed.W_pos</c>, <c>blocks.{l}.attn.W_Q</c>, ..., <c>unembed.W_U</c>) and the
/// same arithmetic, so it gives a checkpoint's logits bit for bit, and a <see cref="HookPoint"/> at every activation an
/// interpretability method reads: <c>hook_embed</c>, <c>hook_pos_embed</c>, each block's
/// (<see cref="TransformerBlockHooked"/>, <see cref="AttentionHooked"/>, <see cref="MlpHooked"/>,
/// <see cref="LayerNormHooked"/>), and <c>ln_final.hook_scale</c> and <c>ln_final.hook_normalized</c>.
/// </summary>
public sealed class HookedTransformer : Module<Tensor, Tensor>
{
    public readonly Parameter W_E; // [d_vocab, d_model]
    public readonly Parameter W_pos; // [n_ctx, d_model]
    public readonly ModuleList<TransformerBlockHooked> blocks; // n_layers
    public readonly LayerNormHooked ln_final;
    public readonly Parameter W_U; // [d_model, d_vocab]
    public readonly Parameter b_U; // [d_vocab]
    public readonly HookPoint hook_embed = new("hook_embed"), hook_pos_embed = new("hook_pos_embed");
    readonly Dictionary<string, HookPoint> hookPoints;

    public HookedTransformer(HookedTransformerConfig cfg) : base(nameof(HookedTransformer))
    {
        Config = cfg;
        W_E = Parameter(normal(0, cfg.init_range, [cfg.d_vocab, cfg.d_model]));
        W_pos = Parameter(normal(0, cfg.init_range, [cfg.n_ctx, cfg.d_model]));
        blocks = ModuleList(Enumerable.Range(0, (int)cfg.n_layers).Select(l => new TransformerBlockHooked(cfg, l)).ToArray());
        ln_final = new LayerNormHooked(cfg, "ln_final.");
        W_U = Parameter(normal(0, cfg.init_range, [cfg.d_model, cfg.d_vocab]));
        b_U = Parameter(zeros(cfg.d_vocab));
        RegisterComponents();
        hookPoints = new HookPoint[] { hook_embed, hook_pos_embed }.Concat(blocks.SelectMany(b => b.HookPoints)).Concat(ln_final.HookPoints)
            .ToDictionary(h => h.Name, StringComparer.Ordinal);
    }

    public HookedTransformerConfig Config { get; }

    /// <summary>Every hook point by its TransformerLens name, in the order the forward pass reaches them.</summary>
    public IReadOnlyDictionary<string, HookPoint> HookPoints => hookPoints;

    /// <summary>The hook point called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The model has no hook point of that name; the message lists a few that it has.</exception>
    public HookPoint Hook(string name) => hookPoints.TryGetValue(name, out var hook) ? hook
        : throw new KeyNotFoundException($"the model has no hook point '{name}'; it has e.g. {string.Join(", ", hookPoints.Keys.Take(8))}, ...");

    /// <summary>Detaches every hook from every hook point.</summary>
    public void ResetHooks()
    {
        foreach (var hook in hookPoints.Values) hook.RemoveHooks();
    }

    /// <summary><c>tokens [batch, pos] (int64, pos &lt;= n_ctx) → logits [batch, pos, d_vocab]</c>; logits[b, p] predict token p + 1.</summary>
    public override Tensor forward(Tensor tokens)
    {
        if (tokens.dim() != 2 || tokens.shape[1] > Config.n_ctx)
            throw new ArgumentException($"tokens must be [batch, pos] with pos <= n_ctx = {Config.n_ctx}, got [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        var (batch, pos) = (tokens.shape[0], tokens.shape[1]);
        var embed = hook_embed.Call(W_E[tokens]); // [batch, pos, d_model]
        var pos_embed = hook_pos_embed.Call(W_pos[TensorIndex.Slice(0, pos)].unsqueeze(0).expand(batch, -1, -1)); // [batch, pos, d_model]
        var residual = blocks.Aggregate(embed + pos_embed, (resid_pre, block) => block.call(resid_pre)); // [batch, pos, d_model]
        return ln_final.call(residual).matmul(W_U) + b_U; // [batch, pos, d_vocab]
    }

    /// <summary>The parameters under the names of hw4's <c>Transformer</c> and TransformerLens (a checkpoint's tensor names).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> CheckpointParameters() =>
        named_parameters().Select(p => (p.name switch
        {
            "W_E" => "embed.W_E",
            "W_pos" => "pos_embed.W_pos",
            "W_U" => "unembed.W_U",
            "b_U" => "unembed.b_U",
            var name => name,
        }, p.parameter));
}
