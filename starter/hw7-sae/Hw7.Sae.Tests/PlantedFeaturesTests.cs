using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Tests;

public sealed class PlantedFeaturesTests : TorchTest
{
    [Test, Points(1)]
    public void MaxCosines_FindsEachPlantedDirectionsBestDecoderRow()
    {
        var directions = tensor(new[] { 1f, 0f, 0f, 1f, 0.6f, 0.8f }, device: Device).reshape(3, 2); // [n_planted, d_in]
        var decoder = tensor(new[] { 2f, 0f, 1f, 1f, 0f, -3f }, device: Device).reshape(3, 2); // [d_sae, d_in], rows not unit
        var (directionsBefore, decoderBefore) = (directions.clone(), decoder.clone());

        var best = PlantedFeatures.MaxCosines(directions, decoder);

        TensorAssert.Close(directions, directionsBefore, Tolerance.Exact,
            "the directions given to MaxCosines changed: a measure leaves its inputs as they were; normalise into a new tensor (x / ‖x‖, not x.div_)");
        TensorAssert.Close(decoder, decoderBefore, Tolerance.Exact,
            "the W_dec given to MaxCosines changed (its rows were rescaled): a measure leaves its inputs as they were; normalise into a new tensor (x / ‖x‖, not x.div_)");
        // Direction [0, 1]: the row [0, -3] points the other way (cosine -1); [1, 1] is the best, at 1/√2.
        // Direction [0.6, 0.8]: [1, 1] at 1.4/√2.
        TensorAssert.Close(best, tensor(new[] { 1f, 1 / MathF.Sqrt(2), 1.4f / MathF.Sqrt(2) }, device: Device),
            name: "for each planted direction the largest cosine with any decoder row (normalise the rows; no absolute value: " +
            "an antiparallel row does not represent the feature, since z ≥ 0)", axes: ["planted direction"]);
    }

    [Test, Points(1)]
    public void MaxCosines_OfTheDirectionsThemselves_AreOne()
    {
        var data = new PlantedFeatures(d_in: 10, n_planted: 25, activeProbability: 0.1, seed: 740);
        var decoder = cat([data.Directions * 3, -data.Directions]).to(Device);

        // A decoder that contains only the first 10 directions (scaled by 2): the other 15 find their best row among those.
        var partial = (data.Directions[..10] * 2).to(Device);
        var expected = data.Directions.matmul(data.Directions[..10].t()).max(1).values.to(Device); // the directions are unit rows

        var best = PlantedFeatures.MaxCosines(data.Directions.clone().to(Device), decoder);

        TensorAssert.Close(best, ones(25, device: Device), name: "max cosine of each planted direction with a decoder that contains it (scaled by 3)", axes: ["planted direction"]);
        TensorAssert.Close(PlantedFeatures.MaxCosines(data.Directions.clone().to(Device), partial), expected,
            name: "max cosine of each planted direction with a decoder of the first 10 directions only (normalise both sets of rows, take the max over the decoder's rows)", axes: ["planted direction"]);
        using var generator = new Generator(741, CPU);
        TensorAssert.Shape(data.Sample(7, generator), [7, 10], "PlantedFeatures.Sample(7) (given)");
    }
}
