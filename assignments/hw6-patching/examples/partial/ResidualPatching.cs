using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// Patching the residual stream, TransformerLens's <c>get_act_patch_resid_pre</c>: where along the layers and the
/// positions does the clean run's information about the subject's number live?
/// </summary>
public static class ResidualPatching
{
    /// <summary>
    /// <c>[n_layers, pos]</c> float32 on the CPU: cell (l, p) is the normalised metric (<see cref="PatchingMetric.Score"/>)
    /// after patching the clean <c>blocks.{l}.hook_resid_pre</c> at position p (every prompt of the batch, every
    /// <c>d_model</c> component) into the corrupted run.
    /// </summary>
    public static Tensor Grid(HookedTransformer model, PatchingMetric metric)
    {
        long layers = model.Config.n_layers, pos = metric.Batch.Length;
        var names = Enumerable.Range(0, (int)layers).Select(l => $"blocks.{l}.hook_resid_pre").ToList();
        var clean = ActivationPatching.CleanActivations(model, metric.Batch, names);
        var grid = new float[layers * pos];
        for (int l = 0; l < layers; l++)
            for (int p = 0; p < pos; p++)
                grid[l * pos + p] = (float)ActivationPatching.Patch(model, metric, names[l], clean[names[l]],
                    ActivationPatching.Where(PatchMask.At(pos, Math.Min(p + 1, pos - 1)).reshape(1, pos, 1)));
        return tensor(grid).reshape(layers, pos);
    }
}
