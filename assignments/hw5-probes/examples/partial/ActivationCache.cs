using Course.Lens;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// The activations of one forward pass by hook name, TransformerLens's <c>ActivationCache</c>: <c>cache["blocks.0.hook_resid_pre"]</c>
/// or, with TransformerLens's short names, <c>cache["resid_pre", 0]</c>. The tensors are detached copies of what the
/// model computed; the model can be run again without changing them.
/// </summary>
public sealed class ActivationCache(IReadOnlyDictionary<string, Tensor> activations, HookedTransformerConfig config)
{
    public HookedTransformerConfig Config { get; } = config;

    /// <summary>The hook names held, in the order the forward pass reached them.</summary>
    public IReadOnlyCollection<string> Keys => activations.Keys.ToList();

    public bool Contains(string name) => activations.ContainsKey(name);

    /// <summary>The activation at hook <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">It was not cached (filtered out, or no such hook).</exception>
    public Tensor this[string name] => activations.TryGetValue(name, out var activation) ? activation
        : throw new KeyNotFoundException($"the cache holds no '{name}': it has {activations.Count} activations, e.g. {string.Join(", ", activations.Keys.Take(6))}");

    /// <summary>The activation of TransformerLens's short name in a layer, e.g. <c>("resid_pre", 0)</c> or <c>("pattern", 1)</c>.</summary>
    public Tensor this[string kind, int layer] => this[ActName(kind, layer)];

    /// <summary>
    /// The full hook name of a short one, TransformerLens's <c>utils.get_act_name</c>: <c>resid_pre</c>, <c>resid_mid</c>,
    /// <c>resid_post</c>, <c>attn_out</c>, <c>mlp_out</c> are the block's; <c>q k v z attn_scores pattern</c> its
    /// attention's; <c>pre post</c> its MLP's; <c>scale normalized</c> take <c>ln1</c> or <c>ln2</c> as kind prefix
    /// (<c>ln1.scale</c>); <c>layer</c> &lt; 0 names ln_final's (<c>("scale", -1)</c>).
    /// </summary>
    public static string ActName(string kind, int layer) => kind switch
    {
        "resid_pre" or "resid_mid" or "resid_post" or "attn_out" or "mlp_out" => $"blocks.{layer}.hook_{kind}",
        "q" or "k" or "v" or "z" or "attn_scores" or "pattern" => $"blocks.{layer}.attn.hook_{kind}",
        "pre" or "post" => $"blocks.{layer}.mlp.hook_{kind}",
        "scale" or "normalized" when layer < 0 => $"ln_final.hook_{kind}",
        "ln1.scale" or "ln1.normalized" or "ln2.scale" or "ln2.normalized" => $"blocks.{layer}.{kind[..4]}hook_{kind[4..]}",
        _ => throw new ArgumentException($"'{kind}' is not a short activation name", nameof(kind)),
    };

    /// <summary>
    /// The residual stream as it accumulates, TransformerLens's <c>accumulated_resid</c>:
    /// <c>[component, batch, pos, d_model]</c> with labels <c>0_pre</c>, <c>1_pre</c>, ... up to and including
    /// <c>{layer}_pre</c>; for <paramref name="layer"/> null (or n_layers) the last is the final residual stream,
    /// labelled <c>final_post</c>. With <paramref name="incl_mid"/>, each <c>{l}_mid</c> follows <c>{l}_pre</c> for l &lt; layer.
    /// </summary>
    public (Tensor Stack, IReadOnlyList<string> Labels) AccumulatedResid(int? layer = null, bool incl_mid = false)
    {
        int last = layer ?? (int)Config.n_layers;
        var parts = new List<Tensor>();
        var labels = new List<string>();
        for (int l = 0; l <= last; l++)
        {
            if (l == Config.n_layers)
            {
                parts.Add(this["resid_post", l - 1]);
                labels.Add("final_post");
                break;
            }
            parts.Add(this["resid_pre", l]);
            labels.Add($"{l}_pre");
            if (incl_mid && l < last)
            {
                parts.Add(this["resid_mid", l]);
                labels.Add($"{l}_mid");
            }
        }
        return (stack(parts), labels); // [component, batch, pos, d_model]
    }

    /// <summary>
    /// The residual stream split into what wrote it, TransformerLens's <c>decompose_resid</c>:
    /// <c>[component, batch, pos, d_model]</c> with labels <c>embed</c>, <c>pos_embed</c>, then <c>{l}_attn_out</c> and
    /// <c>{l}_mlp_out</c> for each layer before <paramref name="layer"/> (all layers when null). The components sum to the
    /// residual stream entering <paramref name="layer"/> (to the final one when null).
    /// </summary>
    public (Tensor Stack, IReadOnlyList<string> Labels) DecomposeResid(int? layer = null)
    {
        int last = layer ?? (int)Config.n_layers;
        var parts = new List<Tensor> { this["hook_embed"], this["hook_pos_embed"] };
        var labels = new List<string> { "embed", "pos_embed" };
        for (int l = 0; l < last; l++)
        {
            parts.AddRange([this["attn_out", l], this["mlp_out", l]]);
            labels.AddRange([$"{l}_attn_out", $"{l}_mlp_out"]);
        }
        return (stack(parts), labels); // [component, batch, pos, d_model]
    }
}
