using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Tests;

public sealed class MlpTests : TorchTest
{
    [Test, Points(4)]
    public void Forward_MatchesTheReference_WithTheSameWeightsAndBiases()
    {
        using var seeded = new Seeded(300);
        using var golden = Golden.Open("mlp_forward");
        var mlp = new Mlp(new Config(d_model: 8, d_mlp: 16));
        golden.LoadParameters(mlp, seeded, scale: 0.3);
        // Inputs of std 2 put many hidden pre-activations in the range where the exact GELU u * Phi(u) and its
        // tanh approximation differ beyond the tolerance.
        var x = golden.Input("x", () => seeded.RandnCpu([2, 5, 8]) * 2);

        golden.AssertClose("out", mlp.call(x), "Mlp.call(x) [2, 5, 8]: GELU(x W_in + b_in) W_out + b_out, with the exact GELU u * Phi(u)");
    }
}
