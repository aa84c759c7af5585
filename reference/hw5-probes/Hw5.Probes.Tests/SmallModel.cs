using Course.Lens;
using Course.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

/// <summary>A small random hooked model for tests of mechanics: two layers of two heads, on the device under test.</summary>
static class SmallModel
{
    public static HookedTransformerConfig Config => new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 3, d_mlp: 16, d_vocab: 7, n_ctx: 8);

    /// <summary>Weights drawn from <paramref name="seeded"/>'s generator on the CPU (not the init's), then moved to <paramref name="device"/>.</summary>
    public static HookedTransformer Create(Seeded seeded, Device device)
    {
        var model = new HookedTransformer(Config);
        using (no_grad())
        {
            foreach (var (_, parameter) in model.named_parameters())
                parameter.copy_(seeded.Randn(parameter.shape) * 0.5);
        }
        model.to(device);
        return model;
    }

    /// <summary>Random tokens <c>[2, 6]</c> on <paramref name="device"/>.</summary>
    public static Tensor Tokens(Seeded seeded, Device device) => seeded.Randint(0, Config.d_vocab, [2, 6]).to(device);

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
