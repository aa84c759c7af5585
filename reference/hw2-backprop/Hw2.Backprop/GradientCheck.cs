using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// The Taylor-remainder test of a gradient. If g = ∇f(x), then for a direction v
/// r(h) = |f(x + h v) - f(x) - h (g · v)| is O(h²) as h → 0, while any error in g leaves an O(h) term.
/// On a log-log plot of r against h the points lie on a line of slope 2 for a right gradient and 1 for a wrong one
/// (the Taylor test of dolfin-adjoint: Farrell et al., "Automated derivation of the adjoint of high-level transient
/// finite element programs", SIAM J. Sci. Comput. 2013).
/// </summary>
public static class GradientCheck
{
    /// <summary>
    /// The remainders r(h) = |f(x + h v) - f(x) - h (g · v)|, one for each h in <paramref name="steps"/>, where g is
    /// <paramref name="gradient"/> (the claimed ∇f(x), the shape of <paramref name="x"/>) and v is <paramref name="direction"/>
    /// (also the shape of x). g · v is the sum of the elementwise product. <paramref name="x"/> must not be modified.
    /// </summary>
    public static double[] TaylorRemainders(Func<Tensor, double> f, Tensor x, Tensor gradient, Tensor direction, IReadOnlyList<double> steps)
    {
        // BEGIN SOLUTION: evaluate f(x) once and g · v once ((gradient * direction).sum().ToDouble()); then for each h, |f(x + h v) - f(x) - h (g · v)|
        double f0 = f(x);
        double slope = (gradient * direction).sum().ToDouble(); // the directional derivative g · v
        return steps.Select(h => Math.Abs(f(x + h * direction) - f0 - h * slope)).ToArray();
        // END SOLUTION
    }

    /// <summary>
    /// The least-squares slope of log r against log h: for points (a_i, c_i) = (log h_i, log r_i),
    /// slope = Σ (a_i - mean a)(c_i - mean c) / Σ (a_i - mean a)². A right gradient gives about 2.
    /// </summary>
    public static double LogLogSlope(IReadOnlyList<double> steps, IReadOnlyList<double> remainders)
    {
        // BEGIN SOLUTION: take logs of both lists, centre them on their means, return Σ a c / Σ a²
        if (steps.Count != remainders.Count || steps.Count < 2)
            throw new ArgumentException("need at least two (step, remainder) pairs of equal count");
        var a = steps.Select(h => Math.Log(h)).ToArray();
        var c = remainders.Select(r => Math.Log(r)).ToArray();
        double meanA = a.Average(), meanC = c.Average();
        double covariance = 0, variance = 0;
        for (int i = 0; i < a.Length; i++)
        {
            covariance += (a[i] - meanA) * (c[i] - meanC);
            variance += (a[i] - meanA) * (a[i] - meanA);
        }
        return covariance / variance;
        // END SOLUTION
    }
}
