using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// Given code, not part of the exercise: the gradient by central differences, the classic check of a hand-written
/// backward pass (the CS231n notes, "Gradient checks"). Use it to debug your layers; the tests use it too.
/// </summary>
public static class NumericalGradient
{
    /// <summary>
    /// ∂f/∂x_i ≈ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every element of <paramref name="x"/>, a contiguous
    /// float64 tensor that <paramref name="f"/> reads (an input or a parameter's Value). Each element is nudged in place
    /// and put back exactly, so x is unchanged afterwards. The error is O(eps²) plus rounding of order 1e-16 / eps.
    /// </summary>
    public static Tensor Central(Func<double> f, Tensor x, double eps = 1e-6)
    {
        if (x.dtype != ScalarType.Float64) throw new ArgumentException($"use a float64 tensor (got {x.dtype}): float32 rounding swamps the differences", nameof(x));
        if (!x.is_contiguous()) throw new ArgumentException("x must be contiguous, so that it can be nudged in place", nameof(x));
        var gradient = new double[x.numel()];
        using (no_grad())
        {
            var flat = x.view(-1);
            for (long i = 0; i < gradient.Length; i++)
            {
                using var scope = NewDisposeScope();
                var element = flat[i];
                double original = element.ToDouble();
                element.fill_(original + eps);
                double plus = f();
                element.fill_(original - eps);
                double minus = f();
                element.fill_(original);
                gradient[i] = (plus - minus) / (2 * eps);
            }
        }
        return tensor(gradient, ScalarType.Float64).reshape(x.shape).to(x.device);
    }
}
