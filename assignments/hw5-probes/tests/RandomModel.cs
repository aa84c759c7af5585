using Course.Lens;
using Course.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.HiddenTests;

/// <summary>A small hooked model with weights drawn from a test's own generator (not the init's), on the device under test.</summary>
static class RandomModel
{
    public static HookedTransformer Create(Seeded seeded, long n_layers)
    {
        var model = new HookedTransformer(new HookedTransformerConfig(d_model: 8, n_layers: n_layers, n_heads: 2, d_head: 3, d_mlp: 16, d_vocab: 7, n_ctx: 8));
        using (no_grad())
        {
            foreach (var (_, parameter) in model.named_parameters()) parameter.copy_(seeded.Randn(parameter.shape) * 0.5);
        }
        model.to(TestDevice.Current);
        return model;
    }

    /// <summary>
    /// Every hook point's activation on <paramref name="tokens"/>, read by the test's own hooks (not homework code):
    /// detached copies by hook name, the hooks removed again.
    /// </summary>
    public static Dictionary<string, Tensor> Capture(HookedTransformer model, Tensor tokens)
    {
        var activations = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var handles = model.HookPoints.Values.Select(h => h.AddHook((activation, hook) =>
        {
            activations[hook.Name] = activation.detach().clone();
            return null;
        })).ToList();
        try
        {
            using var noGrad = no_grad();
            model.call(tokens);
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }
        return activations;
    }

    /// <summary>
    /// A copy of <paramref name="activations"/> with every tensor cloned, to hand to homework code (an
    /// <c>ActivationCache</c>) while the test keeps the originals for its expected values.
    /// </summary>
    public static Dictionary<string, Tensor> Copy(IReadOnlyDictionary<string, Tensor> activations) =>
        activations.ToDictionary(pair => pair.Key, pair => pair.Value.clone(), StringComparer.Ordinal);
}
