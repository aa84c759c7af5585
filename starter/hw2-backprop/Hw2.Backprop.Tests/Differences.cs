using Course.Testing;

namespace Hw2.Backprop.Tests;

/// <summary>The finite-difference check of this homework: central differences with eps 1e-6 in float64.</summary>
static class Differences
{
    /// <summary>Central differences in float64 are good to about 1e-9 here; this is far looser, and any real bug is far worse.</summary>
    public static readonly Tolerance Tolerance = new(Rtol: 1e-3, Atol: 1e-5);
}
