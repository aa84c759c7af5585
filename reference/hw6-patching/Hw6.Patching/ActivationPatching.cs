using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// Activation patching (Meng et al. 2022, "causal tracing"; Wang et al. 2023; Heimersheim and Nanda 2024): run the
/// corrupted prompts, but at one hook point put back (part of) the activation the clean prompts produced there, and see
/// how much of the clean behaviour returns. Every hook added is removed before a method returns, also when it throws.
/// </summary>
public static class ActivationPatching
{
    /// <summary>
    /// The activations of the clean run at each hook point named in <paramref name="hookNames"/>, detached, computed without
    /// gradients on the model's device.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> CleanActivations(HookedTransformer model, PairBatch batch, IEnumerable<string> hookNames)
    {
        // BEGIN SOLUTION: in try, add a reading hook (returning null) to each named hook point that stores activation.detach(), then run the clean tokens under no_grad; dispose the handles in finally
        var activations = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var handles = new List<IDisposable>();
        try
        {
            foreach (var name in hookNames)
            {
                handles.Add(model.Hook(name).AddHook((activation, hook) =>
                {
                    activations[hook.Name] = activation.detach();
                    return null;
                }));
            }
            using var noGrad = no_grad();
            model.call(batch.Clean.to(model.W_E.device));
            return activations;
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }
        // END SOLUTION
    }

    /// <summary>
    /// The normalised metric of the corrupted run with the activation at <paramref name="hookName"/> replaced by
    /// <c>patch(corrupted, clean)</c>, where <c>corrupted</c> is the activation of this run and <paramref name="clean"/> the
    /// clean run's at the same hook point (from <see cref="CleanActivations"/>). Computed without gradients.
    /// </summary>
    public static double Patch(HookedTransformer model, PatchingMetric metric, string hookName, Tensor clean, Func<Tensor, Tensor, Tensor> patch)
    {
        // BEGIN SOLUTION: attach a replacing hook to model.Hook(hookName) that returns patch(activation, clean); run batch.Corrupted under no_grad; dispose the handle; metric.Score of the logits as a double
        using var noGrad = no_grad();
        using var handle = model.Hook(hookName).AddHook((activation, _) => patch(activation, clean));
        var logits = model.call(metric.Batch.Corrupted.to(model.W_E.device)); // [batch, pos, d_vocab]
        return metric.Score(logits).item<float>();
        // END SOLUTION
    }

    /// <summary>
    /// Given. A patch that takes the clean activation where <paramref name="mask"/> is true and keeps the corrupted one elsewhere;
    /// <paramref name="mask"/> is bool and broadcasts against the activation (e.g. <c>[1, pos, 1]</c> for one position of
    /// the residual stream).
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> Where(Tensor mask)
    {
        return (corrupted, clean) => where(mask.to(corrupted.device), clean, corrupted);
    }
}

/// <summary>Given. One-hot bool masks over an activation's axes, to pick what <see cref="ActivationPatching.Where"/> patches.</summary>
public static class PatchMask
{
    /// <summary><c>[size]</c> bool, true only at <paramref name="index"/>.</summary>
    public static Tensor At(long size, long index) => arange(size) == index;

    /// <summary><c>[size]</c> bool, true everywhere.</summary>
    public static Tensor All(long size) => ones(size, ScalarType.Bool);
}
