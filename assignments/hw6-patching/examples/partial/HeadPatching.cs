using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// Patching attention heads, TransformerLens's <c>get_act_patch_attn_head_*</c>: which heads carry the subject's number,
/// at which positions, and is it where a head looks (its pattern) or what it reads there (its values)?
/// </summary>
public static class HeadPatching
{
    /// <summary>
    /// <c>[n_layers, n_heads]</c> float32 on the CPU: cell (l, h) is the metric after patching head h's clean output
    /// <c>blocks.{l}.attn.hook_z[:, :, h]</c> at every position into the corrupted run.
    /// </summary>
    public static Tensor Outputs(HookedTransformer model, PatchingMetric metric)
    {
        long heads = model.Config.n_heads;
        return ByLayerAndHead(model, metric, "attn.hook_z", h => PatchMask.At(heads, h).reshape(1, 1, heads, 1));
    }

    /// <summary>
    /// <c>[n_layers, n_heads, pos]</c> float32 on the CPU: cell (l, h, p) is the metric after patching head h's clean
    /// <c>hook_z</c> at position p only.
    /// </summary>
    public static Tensor OutputsByPosition(HookedTransformer model, PatchingMetric metric)
    {
        throw new NotImplementedException("HeadPatching.OutputsByPosition: not started");
    }

    /// <summary>
    /// Each head's attention pattern against its values: <c>Pattern [n_layers, n_heads]</c> is the metric after patching
    /// head h's clean <c>hook_pattern[:, h]</c> (every query and key position), <c>Values [n_layers, n_heads]</c> after
    /// patching its clean <c>hook_v[:, :, h]</c>. Both float32 on the CPU.
    /// </summary>
    public static (Tensor Pattern, Tensor Values) PatternAndValues(HookedTransformer model, PatchingMetric metric)
    {
        long heads = model.Config.n_heads;
        var pattern = ByLayerAndHead(model, metric, "attn.hook_pattern", h => PatchMask.All(heads).reshape(1, heads, 1, 1));
        var values = ByLayerAndHead(model, metric, "attn.hook_v", h => PatchMask.At(heads, h).reshape(1, 1, heads, 1));
        return (pattern, values);
    }

    /// <summary>
    /// <c>[n_layers, n_heads]</c> float32 on the CPU: cell (l, h) is the metric after patching the clean
    /// <c>blocks.{l}.{hook}</c> where <c>headMask(h)</c> is true.
    /// </summary>
    static Tensor ByLayerAndHead(HookedTransformer model, PatchingMetric metric, string hook, Func<long, Tensor> headMask)
    {
        long layers = model.Config.n_layers, heads = model.Config.n_heads;
        var names = Enumerable.Range(0, (int)layers).Select(l => $"blocks.{l}.{hook}").ToList();
        var clean = ActivationPatching.CleanActivations(model, metric.Batch, names);
        var grid = new float[layers * heads];
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
                grid[l * heads + h] = (float)ActivationPatching.Patch(model, metric, names[l], clean[names[l]], ActivationPatching.Where(headMask(h)));
        return tensor(grid).reshape(layers, heads);
    }
}
