using Course.Lens;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// Running the hooked model with hooks, TransformerLens's <c>run_with_cache</c> and <c>run_with_hooks</c>. Both leave
/// the model as they found it: every hook they add is removed when they return, also when a hook or the model
/// throws, and hooks that were attached before are left attached.
/// </summary>
public static class Hooks
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="tokens"/> <c>[batch, pos]</c> and caches, detached, the activation
    /// of every hook point whose name passes <paramref name="filter"/> (every hook point when null). The cache lists the
    /// names (<see cref="ActivationCache.Keys"/>) in the order the forward pass reached them, as <c>model.HookPoints</c> does.
    /// </summary>
    /// <returns>The logits <c>[batch, pos, d_vocab]</c>, with their graph as <c>model.call</c> gives them, and the cache.</returns>
    public static (Tensor Logits, ActivationCache Cache) RunWithCache(this HookedTransformer model, Tensor tokens, Func<string, bool>? filter = null)
    {
        throw new NotImplementedException("Hooks.RunWithCache: add a reading hook (returning null) to each hook point that passes the filter, storing activation.detach() by hook.Name; run model.call in try, dispose the hook handles in finally");
    }

    /// <summary>
    /// Runs <paramref name="model"/> with each hook attached to its named hook point, and returns the logits
    /// <c>[batch, pos, d_vocab]</c>. Hooks are attached in the order given, as TransformerLens's <c>run_with_hooks</c>
    /// does: two on one hook point run in that order, the second on the output of the first.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A name is not a hook point of the model (nothing is run, nothing stays attached).</exception>
    public static Tensor RunWithHooks(this HookedTransformer model, Tensor tokens, params (string Name, HookFunction Hook)[] hooks)
    {
        throw new NotImplementedException("Hooks.RunWithHooks: look every hook point up with model.Hook(name) first, then AddHook each and keep the handles; run model.call in try, dispose only those handles in finally");
    }
}
