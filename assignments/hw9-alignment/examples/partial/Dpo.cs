using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment;

/// <summary>
/// Direct Preference Optimization (Rafailov et al. 2023): the RLHF objective's optimum written in terms of the policy
/// itself, so that preferences train the policy directly, with no reward model and no sampling. Its implicit reward is
/// <c>β log(π_θ(y|x) / π_ref(y|x))</c>, and its loss the Bradley–Terry loss of those rewards (the paper's equation 7).
/// </summary>
public static class Dpo
{
    /// <summary>
    /// <c>−mean(log σ(β [(log π_θ(c) − log π_ref(c)) − (log π_θ(r) − log π_ref(r))]))</c>, a scalar, from the four
    /// <c>[batch]</c> completion log-probabilities of the policy and the frozen reference model.
    /// </summary>
    public static Tensor Loss(Tensor policyChosen, Tensor policyRejected, Tensor referenceChosen, Tensor referenceRejected, double beta)
    {
        var logits = beta * ((policyChosen - referenceChosen) - (policyRejected - referenceRejected)); // [batch]
        return -nn.functional.logsigmoid(logits).mean();
    }

    /// <summary>The implicit reward <c>β (log π_θ(y|x) − log π_ref(y|x))</c> of each completion: <c>[batch]</c>.</summary>
    public static Tensor ImplicitReward(Tensor policyLogProbs, Tensor referenceLogProbs, double beta)
    {
        return beta * (policyLogProbs - referenceLogProbs);
    }
}
