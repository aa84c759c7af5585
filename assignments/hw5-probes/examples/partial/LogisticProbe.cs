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
        var x64 = x.to(ScalarType.Float64);
        var mean = zeros(x.shape[1], ScalarType.Float64, x.device); // [d_model]: centring seemed optional
        var centred = x64 - mean; // [n, d_model]
        var y64 = y.to(ScalarType.Float64).to(x.device); // [n]
        var w = zeros(x.shape[1], ScalarType.Float64, x.device); // [d_model]
        var b = zeros(1, ScalarType.Float64, x.device); // [1]
        long n = x.shape[0];
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var error = (centred.matmul(w) + b).sigmoid() - y64; // [n]
            var gradW = centred.t().matmul(error) / n + 2 * l2 * w; // [d_model]
            var gradB = error.mean([0], keepdim: true); // [1]
            w = (w - lr * gradW).MoveToOuterDisposeScope();
            b = (b - lr * gradB).MoveToOuterDisposeScope();
        }
        return new LogisticProbe(w, b.item<double>(), mean);
    }

    /// <summary><c>x [n, d_model] → [n]</c>: σ((x - Mean)·w + b), the probability of label 1 (float64).</summary>
    public Tensor Probability(Tensor x)
    {
        return ((x.to(ScalarType.Float64) - Mean.to(x.device)).matmul(W.to(x.device)) + B).sigmoid(); // [n]
    }

    /// <summary><c>x [n, d_model] → [n]</c>: 1.0 where the probability of label 1 is above one half, else 0.0.</summary>
    public Tensor Predict(Tensor x) => (Probability(x) > 0.5).to(ScalarType.Float64);

    /// <summary>The probe's direction, <c>w / ‖w‖</c>.</summary>
    public Tensor Direction => W / W.norm();
}
