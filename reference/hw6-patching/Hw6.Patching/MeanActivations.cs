using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// What mean ablation puts in place of a component's output: its average over a reference dataset, never over the batch
/// being measured (that would let the measured prompts leak into the "ablated" model).
/// </summary>
/// <param name="Z"><c>[n_layers, n_heads, d_head]</c>: each head's <c>hook_z</c> averaged over every prompt and position, in the activations' dtype (float32).</param>
/// <param name="MlpOut"><c>[n_layers, d_model]</c>: each layer's <c>hook_mlp_out</c> averaged over every prompt and position, in the activations' dtype.</param>
public sealed record MeanActivations(Tensor Z, Tensor MlpOut)
{
    /// <summary>
    /// The means over <paramref name="referenceTokens"/> <c>[batch, pos]</c>, computed without gradients on the model's device.
    /// Every hook added is removed before it returns, also when it throws.
    /// </summary>
    public static MeanActivations Over(HookedTransformer model, Tensor referenceTokens)
    {
        // BEGIN SOLUTION: reading hooks on every blocks.{l}.attn.hook_z and blocks.{l}.hook_mlp_out that store the activation's mean over dims [0, 1]; run the reference tokens under no_grad; stack the means by layer; remove the hooks in finally
        var z = new Tensor[model.Config.n_layers];
        var mlpOut = new Tensor[model.Config.n_layers];
        var handles = new List<IDisposable>();
        try
        {
            for (int l = 0; l < z.Length; l++)
            {
                int layer = l;
                handles.Add(model.blocks[l].attn.hook_z.AddHook((activation, _) => { z[layer] = activation.mean([0, 1]); return null; }));
                handles.Add(model.blocks[l].hook_mlp_out.AddHook((activation, _) => { mlpOut[layer] = activation.mean([0, 1]); return null; }));
            }
            using var noGrad = no_grad();
            model.call(referenceTokens.to(model.W_E.device));
            return new MeanActivations(stack(z), stack(mlpOut));
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }
        // END SOLUTION
    }
}
