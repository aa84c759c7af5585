using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits;

/// <summary>Which input of a layer-1 head a layer-0 head's output feeds: its queries, its keys or its values.</summary>
public enum CompositionKind { Q, K, V }

/// <summary>
/// Composition scores (Elhage et al. 2021): how much a layer-1 head reads what a layer-0 head writes,
/// ‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F), with W_A the layer-0 head's OV circuit and W_B the layer-1 head's QK circuit (Q-
/// composition), its transpose (K-composition: the keys are on the right of W_Q W_Kᵀ) or its OV circuit (V-composition).
/// A score near 1 means W_B reads the very subspace W_A writes; two unrelated matrices score near the random baseline.
/// </summary>
public static class Composition
{
    /// <summary>‖W_A W_B‖_F / (‖W_A‖_F ‖W_B‖_F), from the factors (no d_model × d_model product is formed).</summary>
    public static double Score(FactoredMatrix W_A, FactoredMatrix W_B)
    {
        // BEGIN SOLUTION: W_A.MatMul(W_B).Norm() / (W_A.Norm() * W_B.Norm())
        return (W_A.MatMul(W_B).Norm() / (W_A.Norm() * W_B.Norm())).ToDouble();
        // END SOLUTION
    }

    /// <summary>
    /// <c>[n_heads (layer 0), n_heads (layer 1)]</c> float32: the <paramref name="kind"/>-composition score of every layer-0 head
    /// (rows) with every layer-1 head (columns), from the model's weights as they are at this call (a model edited in place since
    /// an earlier call has new scores).
    /// </summary>
    public static Tensor Scores(HookedAttnOnlyTransformer model, CompositionKind kind)
    {
        // BEGIN SOLUTION: W_A = Circuits.OV(layer 0, h0); W_B = Circuits.QK(layer 1, h1) for Q, its .T for K, Circuits.OV(layer 1, h1) for V; Score(W_A, W_B) into a [heads, heads] float32 tensor
        long heads = model.Config.n_heads;
        var scores = new float[heads, heads];
        for (int h0 = 0; h0 < heads; h0++)
            for (int h1 = 0; h1 < heads; h1++)
            {
                var W_B = kind switch
                {
                    CompositionKind.Q => Circuits.QK(model, 1, h1),
                    CompositionKind.K => Circuits.QK(model, 1, h1).T,
                    _ => Circuits.OV(model, 1, h1),
                };
                scores[h0, h1] = (float)Score(Circuits.OV(model, 0, h0), W_B);
            }
        return tensor(scores);
        // END SOLUTION
    }

    /// <summary>
    /// What the score gives for unrelated matrices of the same shapes: the mean, over <paramref name="samples"/> draws, of the
    /// score of two random products (d_model × d_head)(d_head × d_model) with independent standard normal entries, drawn
    /// from <paramref name="generator"/> (on the CPU).
    /// </summary>
    public static double RandomBaseline(long d_model, long d_head, int samples, Generator generator)
    {
        // BEGIN SOLUTION: for each sample, W_A and W_B = new FactoredMatrix(randn([d_model, d_head]), randn([d_head, d_model])) with the generator; average Score(W_A, W_B)
        double total = 0;
        for (int sample = 0; sample < samples; sample++)
        {
            using var scope = NewDisposeScope();
            FactoredMatrix Random() => new(randn([d_model, d_head], generator: generator), randn([d_head, d_model], generator: generator));
            total += Score(Random(), Random());
        }
        return total / samples;
        // END SOLUTION
    }
}
