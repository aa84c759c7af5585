using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw2.Backprop.Tests;

/// <summary>The finite-difference check of this homework: central differences with eps 1e-6 in float64.</summary>
static class Differences
{
    /// <summary>Central differences in float64 are good to about 1e-9 here; this is far looser, and any real bug is far worse.</summary>
    public static Tolerance Tolerance => new(Rtol: 1e-3, Atol: 1e-5);

    /// <summary>
    /// A float64 gradient with a closed form, checked twice: within the default tolerance (a wrong formula fails here,
    /// with TensorAssert's hints), then within float64 rounding, <see cref="Tolerance.Float64Rounding"/> (about 1e-13 of
    /// the scale). A derivative written out is that close in any order of operations; a finite difference, whatever its
    /// step, is about 1e-11 off at best, so it fails here: the homework asks for the derivative itself.
    /// </summary>
    public static void AssertWrittenOut(Tensor actual, Tensor expected, string name)
    {
        TensorAssert.Close(actual, expected, name: name);
        TensorAssert.Close(actual, expected, Course.Testing.Tolerance.Float64Rounding, name +
            ": right to 1e-7 but not to float64 rounding (1e-13 of the scale). A derivative written out (1 - y^2, y (1 - y), " +
            "softmax - onehot) agrees to the last few bits in any order of operations; a finite difference does not (derive it, do not difference it)");
    }
}
