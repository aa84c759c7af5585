using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// Given code: small seeded 2-D classification datasets to train an <see cref="Mlp"/> on. Points are
/// <c>[2 perClass, 2]</c> in about [-1.2, 1.2]², labels <c>[2 perClass]</c> int64 in {0, 1}, class 0 first, on the CPU.
/// </summary>
public static class Toy2D
{
    /// <summary>
    /// Two interleaved spirals (Lang and Witbrock, "Learning to tell two spirals apart", 1988): along each arm the radius
    /// grows from 0.15 to 1.15 over <paramref name="turns"/> turns, and the arm of class 1 is that of class 0 turned by π.
    /// Positions along the arm are uniform; <paramref name="noise"/> is the standard deviation of Gaussian jitter.
    /// </summary>
    public static (Tensor Points, Tensor Labels) Spirals(long perClass, Generator generator, double turns = 1.5, double noise = 0.02, ScalarType dtype = ScalarType.Float64)
    {
        var t = rand([perClass], ScalarType.Float64, CPU, generator: generator); // [perClass], position along the arm
        var radius = 0.15 + t;
        var angle = t * (2 * Math.PI * turns);
        var arm = stack([radius * angle.cos(), radius * angle.sin()], 1); // [perClass, 2]
        var points = cat([arm, -arm], 0); // [2 perClass, 2]: a turn by π is a sign flip
        points += randn(points.shape, ScalarType.Float64, CPU, generator: generator) * noise;
        return (points.to_type(dtype), Labels(perClass));
    }

    /// <summary>
    /// Two concentric circles: class 0 of radius <paramref name="inner"/>, class 1 of radius 1, at uniform angles,
    /// with Gaussian jitter of standard deviation <paramref name="noise"/>.
    /// </summary>
    public static (Tensor Points, Tensor Labels) Circles(long perClass, Generator generator, double inner = 0.5, double noise = 0.05, ScalarType dtype = ScalarType.Float64)
    {
        var angle = rand([2 * perClass], ScalarType.Float64, CPU, generator: generator) * (2 * Math.PI); // [2 perClass]
        var radius = cat([full([perClass], inner, ScalarType.Float64), ones([perClass], ScalarType.Float64)], 0);
        var points = stack([radius * angle.cos(), radius * angle.sin()], 1); // [2 perClass, 2]
        points += randn(points.shape, ScalarType.Float64, CPU, generator: generator) * noise;
        return (points.to_type(dtype), Labels(perClass));
    }

    static Tensor Labels(long perClass) =>
        cat([zeros([perClass], ScalarType.Int64), ones([perClass], ScalarType.Int64)], 0); // [2 perClass]
}
