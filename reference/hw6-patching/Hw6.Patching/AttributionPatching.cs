using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// Attribution patching (Nanda 2023; Syed, Rager and Conmy 2023): the first-order Taylor estimate of every patch at once,
/// <c>(clean - corrupted) · ∂metric/∂activation</c> with the gradient taken at the corrupted run, from one clean forward
/// pass, one corrupted forward pass and one backward pass, instead of one forward pass per patch.
/// </summary>
public static class AttributionPatching
{
    /// <summary>
    /// For each hook point named in <paramref name="hookNames"/>, the elementwise <c>(clean - corrupted) * grad</c>, the
    /// shape of its activation, where <c>grad</c> is the gradient of <see cref="PatchingMetric.Score"/> of the corrupted run
    /// with respect to that activation (through every later hook point too). Detached, on the model's device.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> Attribute(HookedTransformer model, PatchingMetric metric, IReadOnlyList<string> hookNames)
    {
        // BEGIN SOLUTION: cache the clean activations; on the corrupted run add to each hook point a zero tensor that requires grad (activation + delta keeps the graph of the earlier points), backward the metric's score, and multiply clean - corrupted by each delta's grad
        var clean = ActivationPatching.CleanActivations(model, metric.Batch, hookNames);
        var corrupted = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var deltas = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var handles = new List<IDisposable>();
        try
        {
            foreach (var name in hookNames)
            {
                handles.Add(model.Hook(name).AddHook((activation, hook) =>
                {
                    corrupted[hook.Name] = activation.detach();
                    var delta = deltas[hook.Name] = zeros_like(activation).requires_grad_();
                    return activation + delta;
                }));
            }
            using var grad = enable_grad();
            metric.Score(model.call(metric.Batch.Corrupted.to(model.W_E.device))).backward();
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }
        return hookNames.ToDictionary(name => name, name => ((clean[name] - corrupted[name]) * deltas[name].grad!).detach(), StringComparer.Ordinal);
        // END SOLUTION
    }

    /// <summary>The estimate of <see cref="ResidualPatching.Grid"/>: <c>[n_layers, pos]</c> float32 on the CPU, each cell summed over the batch and <c>d_model</c>.</summary>
    public static Tensor ResidualGrid(HookedTransformer model, PatchingMetric metric)
    {
        // BEGIN SOLUTION: Attribute the blocks.{l}.hook_resid_pre of every layer; sum each [batch, pos, d_model] over dims [0, 2]; stack by layer
        var names = Enumerable.Range(0, (int)model.Config.n_layers).Select(l => $"blocks.{l}.hook_resid_pre").ToList();
        var attributions = Attribute(model, metric, names);
        return stack(names.Select(n => attributions[n].sum([0, 2])).ToArray()).cpu();
        // END SOLUTION
    }

    /// <summary>The estimate of <see cref="HeadPatching.Outputs"/>: <c>[n_layers, n_heads]</c> float32 on the CPU, each cell summed over the batch, the positions and <c>d_head</c>.</summary>
    public static Tensor HeadGrid(HookedTransformer model, PatchingMetric metric)
    {
        // BEGIN SOLUTION: Attribute the blocks.{l}.attn.hook_z of every layer; sum each [batch, pos, head, d_head] over dims [0, 1, 3]; stack by layer
        var names = Enumerable.Range(0, (int)model.Config.n_layers).Select(l => $"blocks.{l}.attn.hook_z").ToList();
        var attributions = Attribute(model, metric, names);
        return stack(names.Select(n => attributions[n].sum([0, 1, 3])).ToArray()).cpu();
        // END SOLUTION
    }

    /// <summary>The Pearson correlation of two grids' cells (any shapes with the same number of cells).</summary>
    public static double Correlation(Tensor estimate, Tensor actual)
    {
        // BEGIN SOLUTION: flatten both to float64, centre each, and divide the sum of products by the product of the norms
        var a = estimate.flatten().to(ScalarType.Float64).cpu();
        var b = actual.flatten().to(ScalarType.Float64).cpu();
        a -= a.mean();
        b -= b.mean();
        return ((a * b).sum() / (a.norm() * b.norm())).item<double>();
        // END SOLUTION
    }
}
