using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

/// <summary>The measures on hand-made geometries whose answers the paper gives, and on random W against a loop.</summary>
public sealed class SuperpositionTests : TorchTest
{
    /// <summary><c>[1, d_hidden, n_features]</c>: one instance whose feature directions are the given columns.</summary>
    static Tensor OneInstance(double[,] columns) => tensor(columns).to(ScalarType.Float32).unsqueeze(0).to(Device);

    /// <summary><c>[1, 2, 5]</c>: five unit vectors at angles 2πk/5, the regular pentagon of the paper's sparse 5-in-2 model.</summary>
    static Tensor Pentagon()
    {
        var columns = new double[2, 5];
        for (int k = 0; k < 5; k++) (columns[0, k], columns[1, k]) = (Math.Cos(2 * Math.PI * k / 5), Math.Sin(2 * Math.PI * k / 5));
        return OneInstance(columns);
    }

    static Tensor Row(params float[] values) => tensor(values).unsqueeze(0).to(Device); // [1, n_features]

    [Test, Points(1)]
    public void OrthogonalFeatures_HaveDimensionalityOne_AndNoInterference()
    {
        var W = OneInstance(new double[,] { { 1, 0, 0 }, { 0, 0.8, 0 }, { 0, 0, 1.3 } }); // 3 features, 3 dimensions, each its own

        TensorAssert.Close(Superposition.Dimensionality(W), Row(1, 1, 1), name: "Dimensionality of orthogonal features of norms 1, 0.8, 1.3: each has a dimension to itself");
        // Interference sums products of terms of the size of ‖W_i‖² (up to 1.69): its rounding is judged at that scale, not at 0's.
        var atScale = Tolerance.For(ScalarType.Float32, Device.type).Allowed(0, 1.69);
        TensorAssert.Close(Superposition.Interference(W), Row(0, 0, 0), new Tolerance(0, atScale), name: "Interference of orthogonal features");
        TensorAssert.Close(Superposition.Norms(W), Row(1, 0.8f, 1.3f), name: "Norms: the length of each column W[:, :, i]");
    }

    [Test, Points(1)]
    public void AnAntipodalPair_SharesOneDimension_EachFeatureGettingHalf()
    {
        var pair = OneInstance(new double[,] { { 1, -1 } }); // 2 features in 1 dimension, opposite directions
        var unequal = OneInstance(new double[,] { { 1, -0.8 } });

        TensorAssert.Close(Superposition.Dimensionality(pair), Row(0.5f, 0.5f), name: "Dimensionality of an antipodal pair of unit features: 1 / (1 + 1)");
        TensorAssert.Close(Superposition.Interference(pair), Row(1, 1), name: "Interference of an antipodal pair of unit features: (Ŵ_i · W_j)² = 1");
        // Ŵ_0 · W_1 = -0.8 and Ŵ_1 · W_0 = -1: the projection of the other feature's whole vector on one's unit direction.
        TensorAssert.Close(Superposition.Interference(unequal), Row(0.64f, 1), name: "Interference of the pair W = (1, -0.8): (Ŵ_0 · W_1)², (Ŵ_1 · W_0)²");
        TensorAssert.Close(Superposition.Dimensionality(unequal), Row(1 / 1.64f, 0.64f / 1.64f), name: "Dimensionality of the pair W = (1, -0.8): ‖W_i‖² / (‖W_i‖² + interference)");
    }

    [Test, Points(1)]
    public void APentagon_GivesEachOfItsFiveFeaturesTwoFifthsOfADimension()
    {
        var W = Pentagon();

        // Each feature's neighbours are at 72° and 144°: 1 + 2 cos²72° + 2 cos²144° = 1 + 3/2.
        TensorAssert.Close(Superposition.Dimensionality(W), Row(0.4f, 0.4f, 0.4f, 0.4f, 0.4f), name: "Dimensionality of a regular pentagon of unit features: 2/5");
        TensorAssert.Close(Superposition.Interference(W), Row(1.5f, 1.5f, 1.5f, 1.5f, 1.5f), name: "Interference in a regular pentagon: 2 cos²72° + 2 cos²144° = 3/2");
        Assert.That(Superposition.RepresentedCount(W).item<long>(), Is.EqualTo(5), "RepresentedCount of a pentagon of unit features");
    }

    [Test, Points(1)]
    public void FeaturesShorterThanOneHalf_AreNotRepresented_AndAZeroColumnMeasuresZero()
    {
        // Instance 0: norms 0, 0.4, 0.6, 1.2 along two axes; instance 1: a pair and two zero columns.
        var W = tensor(new float[,,]
        {
            { { 0, 0.4f, 0, 1.2f }, { 0, 0, 0.6f, 0 } },
            { { 1, -1, 0, 0 }, { 0, 0, 0, 0 } },
        }).to(Device);

        var count = Superposition.RepresentedCount(W);

        TensorAssert.Close(count, tensor(new long[] { 2, 2 }).to(Device), name: "RepresentedCount: features with ‖W_i‖ > 0.5 in each instance");
        var dimensionality = Superposition.Dimensionality(W);
        var interference = Superposition.Interference(W);
        TensorAssert.AllFinite(dimensionality, "Dimensionality with zero columns (a feature not represented at all)");
        TensorAssert.AllFinite(interference, "Interference with zero columns");
        // Instance 0: features 1 and 3 are parallel (0.4 and 1.2 along x), feature 2 alone along y.
        TensorAssert.Close(dimensionality, tensor(new float[,] { { 0, 0.16f / (0.16f + 1.44f), 1, 1.44f / (1.44f + 0.16f) }, { 0.5f, 0.5f, 0, 0 } }).to(Device),
            name: "Dimensionality: 0 for a zero column, ‖W_i‖² / Σ_j (Ŵ_i · W_j)² for the others");
        TensorAssert.Close(interference, tensor(new float[,] { { 0, 1.44f, 0, 0.16f }, { 1, 1, 0, 0 } }).to(Device),
            name: "Interference: 0 for a zero column (its Ŵ is 0), Σ_{j≠i} (Ŵ_i · W_j)² for the others");
    }

    [Test, Points(1)]
    public void Measures_OnRandomW_MatchALoopOverInstancesAndFeatures()
    {
        const int nInst = 3, dHidden = 4, nFeatures = 6;
        using var seeded = new Seeded(740);
        var W = seeded.Randn([nInst, dHidden, nFeatures]);
        var w = W.cpu().to(ScalarType.Float64).data<double>().ToArray(); // w[(n · d_hidden + h) · n_features + f]
        double At(int n, int h, int f) => w[(n * dHidden + h) * nFeatures + f];
        double Dot(int n, int i, int j) => Enumerable.Range(0, dHidden).Sum(h => At(n, h, i) * At(n, h, j));
        var (gram, overlaps) = (new double[nInst, nFeatures, nFeatures], new double[nInst, nFeatures, nFeatures]);
        var (interference, dimensionality) = (new double[nInst, nFeatures], new double[nInst, nFeatures]);
        for (int n = 0; n < nInst; n++)
        {
            for (int i = 0; i < nFeatures; i++)
            {
                double norm = Math.Sqrt(Dot(n, i, i)), total = 0;
                for (int j = 0; j < nFeatures; j++)
                {
                    gram[n, i, j] = Dot(n, i, j);
                    var overlap = overlaps[n, i, j] = Math.Pow(Dot(n, i, j) / norm, 2); // (Ŵ_i · W_j)²
                    total += overlap;
                    if (j != i) interference[n, i] += overlap;
                }
                dimensionality[n, i] = norm * norm / total;
            }
        }

        TensorAssert.Close(Superposition.Gram(W), tensor(gram).to(ScalarType.Float32).to(Device), name: "Gram: (WᵀW)[n, i, j] = W_i · W_j", axes: ["instance", "feature i", "feature j"]);
        TensorAssert.Close(Superposition.Overlaps(W), tensor(overlaps).to(ScalarType.Float32).to(Device),
            name: "Overlaps: (Ŵ_i · W_j)² for every i and j, the diagonal included (there it is ‖W_i‖², not 0)", axes: ["instance", "feature i", "feature j"]);
        TensorAssert.Close(Superposition.Interference(W), tensor(interference).to(ScalarType.Float32).to(Device), name: "Interference: Σ_{j≠i} (Ŵ_i · W_j)²", axes: ["instance", "feature"]);
        TensorAssert.Close(Superposition.Dimensionality(W), tensor(dimensionality).to(ScalarType.Float32).to(Device), name: "Dimensionality: ‖W_i‖² / Σ_j (Ŵ_i · W_j)²", axes: ["instance", "feature"]);
    }
}
