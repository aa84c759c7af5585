using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// Does the model use the direction a probe found? Remove it and see (Ravfogel et al. 2020, "Null It Out";
/// Elazar et al. 2021, "Amnesic Probing"): a probe shows that information is there, only an intervention shows that the
/// model reads it.
/// </summary>
public static class DirectionAblation
{
    /// <summary>
    /// A hook that projects <paramref name="direction"/> <c>[d_model]</c> out of every vector of an activation
    /// <c>[..., d_model]</c>: <c>x - (x·d̂) d̂</c> with <c>d̂ = d / ‖d‖</c>, in the activation's dtype and device.
    /// </summary>
    public static HookFunction ProjectOut(Tensor direction)
    {
        var unit = direction.detach(); // [d_model]
        return (activation, _) =>
        {
            var d = unit.to(activation.dtype).to(activation.device);
            return activation - activation.matmul(d).unsqueeze(-1) * d; // [..., d_model]
        };
    }

    /// <summary>
    /// Agreement accuracy (<see cref="AgreementMetric.Accuracy"/>) on <paramref name="batch"/> as the model is, and with
    /// <paramref name="direction"/> projected out at hook <paramref name="hookName"/>.
    /// </summary>
    public static (double Clean, double Ablated) Accuracy(HookedTransformer model, AgreementBatch batch, CharVocabulary vocabulary, string hookName, Tensor direction)
    {
        using var noGrad = no_grad();
        var tokens = batch.Tokens.to(model.W_E.device); // [batch, pos]
        var clean = AgreementMetric.Accuracy(AgreementMetric.LogitDiff(model.call(tokens), batch, vocabulary), batch);
        var ablatedLogits = model.RunWithHooks(tokens, (hookName, ProjectOut(direction)));
        return (clean, AgreementMetric.Accuracy(AgreementMetric.LogitDiff(ablatedLogits, batch, vocabulary), batch));
    }
}
