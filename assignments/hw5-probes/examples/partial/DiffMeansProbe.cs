using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// The difference-of-means probe: the direction from the mean of the negatives to the mean of the positives, and a
/// threshold halfway between the two means' projections on it. It needs no training, and in a space where the classes
/// differ by a shift, it finds the shift (see e.g. Marks and Tegmark 2023, "The Geometry of Truth").
/// </summary>
/// <param name="Direction"><c>[d_model]</c>, unit norm, pointing from label 0 to label 1.</param>
/// <param name="Threshold">A point scores label 1 when its projection on <see cref="Direction"/> is above this.</param>
public sealed record DiffMeansProbe(Tensor Direction, double Threshold)
{
    /// <summary>Fits on <paramref name="x"/> <c>[n, d_model]</c> with labels <paramref name="y"/> <c>[n]</c> (1 or 0, both present).</summary>
    public static DiffMeansProbe Fit(Tensor x, Tensor y)
    {
        var x64 = x.to(ScalarType.Float64);
        var positive = y.to(x.device) > 0.5; // [n]
        var mean1 = x64[positive].mean([0]); // [d_model]
        var mean0 = x64[~positive].mean([0]); // [d_model]
        var direction = (mean1 - mean0) / (mean1 - mean0).norm(); // [d_model]
        double threshold = ((mean1 + mean0) / 2).dot(direction).item<double>();
        return new DiffMeansProbe(direction, threshold);
    }

    /// <summary><c>x [n, d_model] → [n]</c>: 1.0 where the probe says label 1, else 0.0 (float64).</summary>
    public Tensor Predict(Tensor x)
    {
        return (x.to(ScalarType.Float64).matmul(Direction.to(x.device)) > Threshold).to(ScalarType.Float64); // [n]
    }
}
