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
        throw new NotImplementedException("DiffMeansProbe.Fit: means of the rows with y == 1 and y == 0 (float64); direction = their difference normalised; threshold = the projection of their midpoint on it");
    }

    /// <summary><c>x [n, d_model] → [n]</c>: 1.0 where the probe says label 1, else 0.0 (float64).</summary>
    public Tensor Predict(Tensor x)
    {
        throw new NotImplementedException("DiffMeansProbe.Predict: project on Direction and compare with Threshold");
    }
}
