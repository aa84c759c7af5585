using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class DirectionAblationTests : TorchTest
{
    [Test, Points(3)]
    public void ProjectOut_LeavesVectorsOrthogonalToTheDirection_InTheirDtype_AndKeepsWhatWasAlreadyOrthogonal_WithoutChangingTheActivation()
    {
        using var seeded = new Seeded(560);
        var direction = seeded.Randn([8]) * 3; // not unit norm
        var x = seeded.Randn([2, 5, 8]); // [batch, pos, d_model]
        var unit = direction / direction.norm();
        var orthogonal = x - x.matmul(unit).unsqueeze(-1) * unit;
        var direction64 = direction.to(ScalarType.Float64); // DiffMeansProbe's directions are float64
        var (directionBefore, direction64Before) = (direction.clone(), direction64.clone());
        var hook = DirectionAblation.ProjectOut(direction);
        var point = new HookPoint("test");
        var shape = x.shape;
        // What is left along the direction is rounding of terms on the scale of x, not of zero.
        var allowed = Tolerance.For(ScalarType.Float32, Device.type).Allowed(0, x.pow(2).mean().sqrt().ToDouble());
        var unchanged = orthogonal.clone();
        var xBefore = x.clone();

        var projected = hook(x, point) ?? x;
        TensorAssert.Close(x, xBefore, Tolerance.Exact, "the activation after the ProjectOut hook ran on it: return a new tensor (x - (x·d̂) d̂), never the activation changed in place, whose storage a cache may share");
        Tensor? projectedBy64 = null;
        Assert.That(() => projectedBy64 = DirectionAblation.ProjectOut(direction64)(x, point) ?? x, Throws.Nothing,
            "ProjectOut of a float64 direction (as DiffMeansProbe gives) on a float32 activation threw: cast the unit direction to activation.dtype");

        Assert.That(projected.shape, Is.EqualTo(shape), "the same shape as the activation");
        Assert.That(projected.matmul(unit).abs().max().ToDouble(), Is.Not.NaN.And.LessThanOrEqualTo(allowed), "the projected vectors' largest component along the direction");
        TensorAssert.Close(projected, orthogonal, name: "x - (x·d̂) d̂ with d̂ the unit direction");
        TensorAssert.Close(hook(orthogonal, point) ?? orthogonal, unchanged, name: "vectors already orthogonal to the direction are left as they are");
        TensorAssert.Close(direction, directionBefore, Tolerance.Exact,
            "the direction after ProjectOut(direction) made its hook and the hook ran: normalise a copy (direction / norm), never the caller's direction with div_");
        TensorAssert.Close(direction64, direction64Before, Tolerance.Exact, "the float64 direction after ProjectOut(direction) made its hook and the hook ran: normalise a copy");
        TensorAssert.Close(projectedBy64, unchanged, name:
            "a float32 activation projected off a float64 direction (as DiffMeansProbe gives): the result in the activation's dtype, float32 (cast the unit direction to activation.dtype)");
    }
}
