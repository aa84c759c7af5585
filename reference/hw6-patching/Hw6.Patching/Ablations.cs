using Course.Lens;
using static TorchSharp.torch;

namespace Hw6.Patching;

/// <summary>
/// What each component does on the clean prompts, found by taking it away. Every entry is a change, ablated minus clean:
/// a negative <c>HeadLogitDiff</c> means the component helped the model agree, a positive <c>HeadLoss</c> that it
/// helped it predict.
/// </summary>
/// <param name="HeadLogitDiff"><c>[n_layers, n_heads]</c> float32 on the CPU: the change in the mean <see cref="AgreementLogitDiff"/>.</param>
/// <param name="HeadLoss"><c>[n_layers, n_heads]</c> float32 on the CPU: the change in <see cref="PromptLoss"/>.</param>
/// <param name="MlpLogitDiff"><c>[n_layers]</c> float32 on the CPU.</param>
/// <param name="MlpLoss"><c>[n_layers]</c> float32 on the CPU.</param>
/// <param name="CleanLogitDiff">The mean logit difference with nothing ablated.</param>
/// <param name="CleanLoss">The loss with nothing ablated.</param>
public sealed record AblationTable(Tensor HeadLogitDiff, Tensor HeadLoss, Tensor MlpLogitDiff, Tensor MlpLoss, double CleanLogitDiff, double CleanLoss);

/// <summary>
/// Zero and mean ablation of each attention head (its <c>hook_z</c>, before <c>W_O</c>, so one head goes and the others
/// stay) and of each MLP (its <c>hook_mlp_out</c>), measured on the clean prompts of a batch, one component at a time.
/// Every hook added is removed before a method returns, also when it throws.
/// </summary>
public static class Ablations
{
    /// <summary>Each head's <c>hook_z[:, :, h]</c>, or each layer's <c>hook_mlp_out</c>, replaced by zeros at every position.</summary>
    public static AblationTable Zero(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary)
    {
        // BEGIN SOLUTION: Measure with zeros of d_head for every head and zeros of d_model for every MLP
        var config = model.Config;
        var device = model.W_E.device;
        return Measure(model, batch, vocabulary, (_, _) => zeros(config.d_head, device: device), _ => zeros(config.d_model, device: device));
        // END SOLUTION
    }

    /// <summary>Each head's <c>hook_z[:, :, h]</c> replaced by <c>means.Z[l, h]</c>, or each layer's <c>hook_mlp_out</c> by <c>means.MlpOut[l]</c>, at every position.</summary>
    public static AblationTable Mean(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary, MeanActivations means)
    {
        // BEGIN SOLUTION: Measure with means.Z[l, h] for head (l, h) and means.MlpOut[l] for layer l's MLP, on the model's device
        var device = model.W_E.device;
        return Measure(model, batch, vocabulary, (l, h) => means.Z[l, h].to(device), l => means.MlpOut[l].to(device));
        // END SOLUTION
    }

    /// <summary>
    /// The table for replacing head (l, h)'s <c>hook_z</c> by <c>headValue(l, h)</c> <c>[d_head]</c> and layer l's
    /// <c>hook_mlp_out</c> by <c>mlpValue(l)</c> <c>[d_model]</c>, one at a time, without gradients.
    /// </summary>
    static AblationTable Measure(HookedTransformer model, PairBatch batch, CharVocabulary vocabulary, Func<int, int, Tensor> headValue, Func<int, Tensor> mlpValue)
    {
        // BEGIN SOLUTION: run the clean tokens plainly, then once per head with a hook on blocks.{l}.attn.hook_z that puts headValue(l, h) in head h (where with a [1, 1, n_heads, 1] mask), then once per layer with a hook on blocks.{l}.hook_mlp_out returning mlpValue(l) expanded to its shape; record mean AgreementLogitDiff and PromptLoss minus the clean ones
        using var noGrad = no_grad();
        var tokens = batch.Clean.to(model.W_E.device);
        (float LogitDiff, float Loss) Run()
        {
            var output = model.call(tokens); // [batch, pos, d_vocab]
            return (AgreementLogitDiff.Of(output, batch, vocabulary).mean().item<float>(), PromptLoss.Of(output, batch, vocabulary).item<float>());
        }

        var clean = Run();
        int layers = (int)model.Config.n_layers, heads = (int)model.Config.n_heads;
        var (headDiff, headLoss) = (new float[layers * heads], new float[layers * heads]);
        var (mlpDiff, mlpLoss) = (new float[layers], new float[layers]);
        for (int l = 0; l < layers; l++)
        {
            for (int h = 0; h < heads; h++)
            {
                var mask = PatchMask.At(heads, h).reshape(1, 1, heads, 1).to(tokens.device);
                var value = headValue(l, h); // [d_head]
                using var handle = model.blocks[l].attn.hook_z.AddHook((z, _) => where(mask, value, z));
                var (diff, loss) = Run();
                (headDiff[l * heads + h], headLoss[l * heads + h]) = (diff - clean.LogitDiff, loss - clean.Loss);
            }
            var mlp = mlpValue(l); // [d_model]
            using (model.blocks[l].hook_mlp_out.AddHook((output, _) => mlp.expand_as(output)))
            {
                var (diff, loss) = Run();
                (mlpDiff[l], mlpLoss[l]) = (diff - clean.LogitDiff, loss - clean.Loss);
            }
        }
        return new AblationTable(tensor(headDiff).reshape(layers, heads), tensor(headLoss).reshape(layers, heads),
            tensor(mlpDiff), tensor(mlpLoss), clean.LogitDiff, clean.Loss);
        // END SOLUTION
    }
}
