using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.HiddenTests;

[Visibility(Visibility.Hidden)]
public sealed class HiddenPositionalEmbeddingTests : TorchTest
{
    [Test, Points(2)]
    public void SinusoidalTable_MatchesTheFormula_ForALongContextAndAWideModel()
    {
        const int n_ctx = 200, d_model = 100; // not a power of two, so 2i / d_model has no exact float32 value
        var expected = new double[n_ctx * d_model];
        for (int pos = 0; pos < n_ctx; pos++)
            for (int i = 0; i < d_model / 2; i++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * i / d_model);
                expected[pos * d_model + 2 * i] = Math.Sin(angle);
                expected[pos * d_model + 2 * i + 1] = Math.Cos(angle);
            }

        var table = SinusoidalPositionalEmbedding.Table(n_ctx, d_model, ScalarType.Float64);
        var float32Table = SinusoidalPositionalEmbedding.Table(n_ctx, d_model);

        TensorAssert.Close(table.cpu(), tensor(expected, [n_ctx, d_model]), name:
            "SinusoidalPositionalEmbedding.Table(200, 100, Float64): compute every step in float64 (errors near 1e-7 mean a step went through float32, " +
            "such as the exponent 2i / d_model from an arange without a dtype, which is int64, divided by d_model)");
        // Float32 angles up to 200 carry rounding of about 200 * 6e-8, hence the looser atol.
        TensorAssert.Close(float32Table.cpu(), tensor(expected, [n_ctx, d_model]).to(ScalarType.Float32), new Tolerance(1e-4, 1e-4),
            "SinusoidalPositionalEmbedding.Table(200, 100) (float32 by default)");
    }

    [Test, Points(2)]
    public void LearnedForward_PassesGradientsToTheFirstPosRowsOfW_posOnly()
    {
        using var seeded = new Seeded(120);
        var embed = new LearnedPositionalEmbedding(n_ctx: 10, d_model: 6);
        embed.to(Device);

        embed.call(seeded.Randint(0, 50, [3, 4])).sum().backward();

        var expected = zeros(10, 6);
        expected[..4] = 3; // each of the first 4 rows is used once per batch element
        Assert.That(embed.W_pos.grad, Is.Not.Null, "W_pos got no gradient: index the parameter itself (no detach(), no copy of its data)");
        TensorAssert.Close(embed.W_pos.grad!, expected.to(Device), name:
            "W_pos.grad after LearnedPositionalEmbedding(tokens [3, 4]).sum().backward()");
    }
}
