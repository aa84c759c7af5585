using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw3.Attention.Tests;

public sealed class PositionalEmbeddingTests : TorchTest
{
    [Test, Points(4)]
    public void SinusoidalTable_MatchesTheFormula_InFloat64()
    {
        // Two widths: at d_model = 16 every exponent 2i / d_model is a multiple of 1/8, which float32 holds exactly; at 22 none is
        // (1/11, 2/11, ...), so an exponent that went through float32 (an int64 arange divided by d_model gives float32) shows there.
        // A float32 constant (MathF.Log(10000f)) shows at both; its rounding nearly cancels at some widths (20), hence two.
        const int n_ctx = 50;
        foreach (int d_model in new[] { 16, 22 })
        {
            var expected = zeros(n_ctx, d_model, ScalarType.Float64);
            for (int pos = 0; pos < n_ctx; pos++)
                for (int i = 0; i < d_model / 2; i++)
                {
                    double angle = pos / Math.Pow(10000, 2.0 * i / d_model);
                    expected[pos, 2 * i] = Math.Sin(angle);
                    expected[pos, 2 * i + 1] = Math.Cos(angle);
                }

            var table = SinusoidalPositionalEmbedding.Table(n_ctx, d_model, ScalarType.Float64);

            TensorAssert.Close(table.cpu(), expected, name:
                $"SinusoidalPositionalEmbedding.Table(50, {d_model}, Float64) [pos, d_model]: PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), " +
                "PE[pos, 2i+1] = cos(same angle); build it in the dtype you are given, every step (errors near 1e-7 mean a step went " +
                "through float32: arange(0, d_model, 2) without a dtype is int64, and dividing it by d_model gives float32; so does a float constant)");
        }
    }

    [Test, Points(2)]
    public void SinusoidalForward_GivesTheFirstPosRowsOfTheTable_ForEveryBatchElement()
    {
        using var seeded = new Seeded(30);
        var embed = new SinusoidalPositionalEmbedding(n_ctx: 20, d_model: 8);
        embed.to(Device);
        var tokens = seeded.Randint(0, 100, [3, 5]);
        // The first 5 rows of the table of the formula, computed here in double (not with the Table under test).
        var rows = zeros(5, 8, ScalarType.Float64);
        for (int pos = 0; pos < 5; pos++)
            for (int i = 0; i < 4; i++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * i / 8);
                rows[pos, 2 * i] = Math.Sin(angle);
                rows[pos, 2 * i + 1] = Math.Cos(angle);
            }
        var expected = rows.to_type(ScalarType.Float32).unsqueeze(0).expand(3, -1, -1);

        var output = embed.call(tokens);

        TensorAssert.Close(output, expected.to(Device), name:
            "SinusoidalPositionalEmbedding(tokens [3, 5]) [batch, pos, d_model] vs rows 0..4 of PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), " +
            "PE[pos, 2i+1] = cos(same angle), computed by the test: the first pos rows of the table, the same for every batch element");

        // The rows come from the module's buffer W_pos (which follows the module to a device or dtype), not from a new table.
        using (no_grad()) embed.W_pos.mul_(2);
        TensorAssert.Close(embed.call(tokens), expected.to(Device) * 2, name:
            "SinusoidalPositionalEmbedding(tokens [3, 5]) after W_pos was doubled: take the first pos rows of W_pos, not of a table computed again");
    }

    [Test, Points(3)]
    public void LearnedForward_GivesTheFirstPosRowsOfW_pos_ForEveryBatchElement()
    {
        using var seeded = new Seeded(31);
        var embed = new LearnedPositionalEmbedding(n_ctx: 20, d_model: 8);
        // W_pos drawn by the test: rows the constructor made (all zeros, say) would be matched by an output that reads none of them.
        // The test computes from its draw, never from a second read of the field (a property can give other values each read).
        var W_pos = seeded.RandnCpu([20, 8]) * 0.3;
        TestWeights.Write("LearnedPositionalEmbedding.W_pos", embed.W_pos, W_pos);
        embed.to(Device);
        var tokens = seeded.Randint(0, 100, [3, 5]);

        var output = embed.call(tokens);

        TensorAssert.Close(embed.W_pos, W_pos, Tolerance.Exact,
            "W_pos after LearnedPositionalEmbedding.call(tokens): forward reads the parameter and must leave it as it was (no zero_, copy_ or other in-place op on it)");
        var expected = W_pos[..5].unsqueeze(0).expand(3, -1, -1);
        TensorAssert.Close(output, expected, name: "LearnedPositionalEmbedding(tokens [3, 5]) [batch, pos, d_model]: row p of W_pos at position p");
    }
}
