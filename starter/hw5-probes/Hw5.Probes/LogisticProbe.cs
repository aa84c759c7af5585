using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// A linear probe trained as logistic regression (Alain and Bengio 2016, "Understanding intermediate layers using linear
/// classifier probes"): <c>p(label 1 | x) = σ((x - mean)·w + b)</c>, with <c>mean</c> the training vectors' mean, fitted
/// in float64 by full-batch gradient descent on the mean binary cross-entropy plus <c>l2 · ‖w‖²</c>, from w = 0 and b = 0.
/// Centring first keeps the residual stream's large shared offset out of the step size.
/// </summary>
/// <param name="W"><c>[d_model]</c> float64.</param>
/// <param name="B">The bias.</param>
/// <param name="Mean"><c>[d_model]</c> float64: the training vectors' mean.</param>
public sealed record LogisticProbe(Tensor W, double B, Tensor Mean)
{
    /// <summary>Fits on <paramref name="x"/> <c>[n, d_model]</c> and labels <paramref name="y"/> <c>[n]</c> (1 or 0) with <paramref name="steps"/> steps of size <paramref name="lr"/>.</summary>
    public static LogisticProbe Fit(Tensor x, Tensor y, double l2 = 1e-3, int steps = 400, double lr = 1.0)
    {
        throw new NotImplementedException("LogisticProbe.Fit: centre x on its mean (float64); w = 0, b = 0; each step p = sigmoid(xc w + b), grad_w = xcᵀ(p - y) / n + 2 l2 w, grad_b = mean(p - y); step against the gradient");
    }

    /// <summary><c>x [n, d_model] → [n]</c>: σ((x - Mean)·w + b), the probability of label 1 (float64).</summary>
    public Tensor Probability(Tensor x)
    {
        throw new NotImplementedException("LogisticProbe.Probability: subtract Mean, take the affine score with W and B, then the sigmoid; in float64");
    }

    /// <summary><c>x [n, d_model] → [n]</c>: 1.0 where the probability of label 1 is above one half, else 0.0.</summary>
    public Tensor Predict(Tensor x) => (Probability(x) > 0.5).to(ScalarType.Float64);

    /// <summary>The probe's direction, <c>w / ‖w‖</c>.</summary>
    public Tensor Direction => W / W.norm();
}
