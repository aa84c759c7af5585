using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// The Bradley–Terry model of a comparison (Bradley and Terry 1952), as reward models are trained on them (Christiano et
/// al. 2017; Ouyang et al. 2022): <c>P(chosen ≻ rejected) = σ(r_chosen − r_rejected)</c>.
/// </summary>
public static class BradleyTerry
{
    /// <summary>
    /// <c>rChosen [batch]</c>, <c>rRejected [batch]</c> → the mean negative log-likelihood of the labels,
    /// <c>mean(−log σ(r_chosen − r_rejected))</c>, a scalar in the rewards' dtype (float32). Stable for large differences
    /// of either sign.
    /// </summary>
    public static Tensor Loss(Tensor rChosen, Tensor rRejected)
    {
        throw new NotImplementedException("BradleyTerry.Loss: the mean of -logsigmoid(r_chosen - r_rejected) (nn.functional.logsigmoid stays finite where log(sigmoid) would give -inf)");
    }

    /// <summary>The fraction of pairs in which the chosen completion gets the strictly higher reward.</summary>
    public static double Accuracy(Tensor rChosen, Tensor rRejected)
    {
        throw new NotImplementedException("BradleyTerry.Accuracy: the mean of (r_chosen > r_rejected) as a float");
    }
}
