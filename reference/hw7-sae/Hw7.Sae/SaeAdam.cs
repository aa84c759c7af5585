using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>Adam's running moments of one parameter, each of the parameter's shape.</summary>
/// <param name="ExpAvg">The first moment m (a running mean of the gradient).</param>
/// <param name="ExpAvgSq">The second moment v (a running mean of the squared gradient).</param>
public sealed record AdamMoments(Tensor ExpAvg, Tensor ExpAvgSq);

/// <summary>
/// GIVEN. Adam (Kingma and Ba 2015) with the bias correction of torch.optim.Adam, written out so that its state is
/// public: resampling a dead latent must clear the moments of that latent's rows and columns, or the stale moments of
/// the dead latent would throw the fresh weights around on the next steps. TorchSharp's Adam does not expose its state.
/// <code>
/// m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²,  t ← t + 1
/// p ← p − lr / (1 − β1^t) · m / (sqrt(v / (1 − β2^t)) + eps)
/// </code>
/// </summary>
public sealed class SaeAdam
{
    readonly Parameter[] parameters;
    readonly AdamMoments[] moments;

    public SaeAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        this.parameters = parameters.ToArray();
        moments = this.parameters.Select(p => new AdamMoments(zeros_like(p).requires_grad_(false), zeros_like(p).requires_grad_(false))).ToArray();
        (LearningRate, Beta1, Beta2, Eps) = (lr, beta1, beta2, eps);
    }

    public double LearningRate { get; set; }
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }

    /// <summary>Steps taken so far (t); the bias correction uses it.</summary>
    public long Steps { get; private set; }

    /// <summary>The moments of <paramref name="parameter"/> (the same object as passed in), to read or to clear in place.</summary>
    public AdamMoments MomentsOf(Tensor parameter)
    {
        for (int i = 0; i < parameters.Length; i++)
            if (ReferenceEquals(parameters[i], parameter)) return moments[i];
        throw new ArgumentException("this optimiser does not hold that parameter", nameof(parameter));
    }

    /// <summary>Sets every parameter's gradient to none.</summary>
    public void ZeroGrad()
    {
        foreach (var p in parameters) p.grad = null;
    }

    /// <summary>One Adam step on every parameter with a gradient, in place.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        for (int i = 0; i < parameters.Length; i++)
        {
            var grad = parameters[i].grad;
            if (grad is null) continue;
            var (m, v) = moments[i];
            m.mul_(Beta1).add_(grad, alpha: 1 - Beta1);
            v.mul_(Beta2).addcmul_(grad, grad, value: 1 - Beta2);
            var denominator = (v.sqrt() / Math.Sqrt(correction2)).add_(Eps);
            parameters[i].addcdiv_(m, denominator, value: -LearningRate / correction1);
        }
    }
}
