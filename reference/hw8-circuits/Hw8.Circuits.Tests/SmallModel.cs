using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Tests;

/// <summary>A small attention-only model with random weights (seeded, built on the CPU), so that circuits can be checked against dense products.</summary>
static class SmallModel
{
    public static HookedTransformerConfig Config => new(d_model: 6, n_layers: 2, n_heads: 3, d_head: 2, d_mlp: 0, d_vocab: 7, n_ctx: 5, init_range: 0.5, attn_only: true);

    public static HookedAttnOnlyTransformer Make(long seed, Device device) => Make(seed, device, Config);

    /// <summary>The same with <paramref name="config"/>, <see cref="Config"/> with a size changed.</summary>
    public static HookedAttnOnlyTransformer Make(long seed, Device device, HookedTransformerConfig config)
    {
        manual_seed(seed);
        var model = new HookedAttnOnlyTransformer(config);
        model.eval();
        return model.to(device);
    }

    /// <summary>The product of <paramref name="factors"/> in float64: what a factored circuit must equal when formed.</summary>
    public static Tensor Dense(params Tensor[] factors) => factors.Select(f => f.to(ScalarType.Float64)).Aggregate((a, b) => a.matmul(b));
}
