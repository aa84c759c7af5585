using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics.Tests;

public sealed class StationaryDistributionTests : TorchTest
{
    [Test, Points(3)]
    public void Compute_OfAHandCheckedNonSymmetricChain_IsFiveOneOneOverSeven_LeavingMAsItWas()
    {
        // pi0 = 0.9 pi0 + 0.5 pi2 and pi1 = 0.1 pi0 + 0.5 pi1 give pi0 = 5 pi2 and pi1 = pi2, so pi = (5, 1, 1) / 7.
        // The columns do not sum to 1, so the uniform vector (the answer to M x = x) is wrong here.
        var M = tensor(new double[] { 0.9, 0.1, 0.0, /**/ 0.0, 0.5, 0.5, /**/ 0.5, 0.0, 0.5 }, [3, 3]).to(Device);
        var expected = tensor(new double[] { 5 / 7.0, 1 / 7.0, 1 / 7.0 });
        var before = M.clone();

        TensorAssert.Close(StationaryDistribution.Compute(M), expected.to(Device), name:
            "StationaryDistribution.Compute(M) for a 3-state chain, float64 [V] (got 1/3 each? you solved M x = x; pi is a LEFT eigenvector: pi M = pi, use M^T)");
        TensorAssert.Close(M, before, Tolerance.Exact, "M after StationaryDistribution.Compute(M): build the system from a copy (M.T - I, not sub_ or index assignment on M)");
    }

    [Test, Points(3)]
    public void Compute_SatisfiesPiMEqualsPi_SumsToOne_AndIsNonNegative_OnARandomChain()
    {
        using var seeded = new Seeded(31);
        // Made here, not with your Bigram.TransitionMatrix: normalised random counts plus 0.1, so every entry is positive.
        var counts = seeded.Randint(0, 10, [8, 8]).to_type(ScalarType.Float64) + 0.1;
        var M = counts / counts.sum(1, keepdim: true);

        var pi = StationaryDistribution.Compute(M.clone());

        TensorAssert.Shape(pi, [8], "StationaryDistribution.Compute(M [8, 8])");
        Assert.That(pi.dtype, Is.EqualTo(ScalarType.Float64), "pi must be float64");
        TensorAssert.Close(pi.matmul(M), pi, new Tolerance(0, 1e-10),
            "pi M (the row vector pi times M) must equal pi to 1e-10 (iterate until converged, or solve the linear system)");
        Assert.That(pi.sum().ToDouble(), Is.EqualTo(1.0).Within(1e-10), "sum(pi) must be 1");
        Assert.That(pi.min().ToDouble(), Is.GreaterThanOrEqualTo(-1e-12), "pi is a distribution: no negative entries");
    }
}
