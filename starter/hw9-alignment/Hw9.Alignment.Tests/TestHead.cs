using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

/// <summary>
/// A reward head of the test's own, and the rewards it gives as the public tests measure them: the homework's own
/// <see cref="RewardModel"/> forward, which <c>RewardModelTests.Forward_AppliesTheHeadToTheFinalLayerNormsOutput_AtEachRowsLastToken</c>
/// pins on a golden, run on a fresh reward model over a fresh tiny GPT that holds the test's head. Never the head a
/// constructor chose: a head left at zero, or a forward that returns zeros, makes every reward tie, and a check against
/// tied rewards passes for a stub (red team 17, a01); so every test that judges by these rewards also checks that they do
/// not all tie (<see cref="AssertNotAllTied"/>): a drawn head gives distinct sentences distinct rewards. The public tests
/// carry no implementation of what the homework asks for; the hidden tests measure the same with trusted code of their own.
/// </summary>
static class TestHead
{
    /// <summary>
    /// Draws a head, weight <c>[1, d_model]</c> from N(0, 0.2²) and bias <c>[1]</c> 0.7 (not the constructor's 0, so a
    /// forward that leaves the bias out shows), and writes it into <paramref name="rewardModel"/>'s head (<see cref="Write(RewardModel, Tensor, Tensor)"/>).
    /// Returns the draw, on the device under test.
    /// </summary>
    public static (Tensor Weight, Tensor Bias) Write(RewardModel rewardModel, long d_model, Seeded seeded, Device device)
    {
        var (weight, bias) = (seeded.Randn([1, d_model]) * 0.2, full([1], 0.7f, device: device)); // [1, d_model], [1]
        Write(rewardModel, weight, bias);
        return (weight, bias);
    }

    /// <summary>Writes <paramref name="weight"/> <c>[1, d_model]</c> and <paramref name="bias"/> <c>[1]</c> into <paramref name="rewardModel"/>'s head, its shapes and dtypes checked (<see cref="TestWeights.Write(IEnumerable{ValueTuple{string, Tensor, Tensor}})"/>).</summary>
    public static void Write(RewardModel rewardModel, Tensor weight, Tensor bias) =>
        TestWeights.Write([("RewardModel.head.weight", rewardModel.head.weight, weight), ("RewardModel.head.bias", rewardModel.head.bias, bias)]);

    /// <summary>
    /// The reward of each row of each of <paramref name="batches"/> (<c>[batch]</c> each, on <paramref name="device"/>, no
    /// gradient) by the homework's forward on one fresh reward model over a fresh tiny GPT that holds the head
    /// <paramref name="weight"/>, <paramref name="bias"/>: what the weights give, never what a reward model that sampled or
    /// trained remembers.
    /// </summary>
    public static Tensor[] Rewards(Tensor weight, Tensor bias, Device device, params SequenceBatch[] batches)
    {
        var fresh = new RewardModel(TinyGpt.Load(device).Model, seed: 0);
        Write(fresh, weight.detach().to(device), bias.detach().to(device));
        using var _ = no_grad();
        return [.. batches.Select(batch =>
        {
            var rows = batch.To(device);
            var rewards = fresh.call(rows.Tokens, rows.Lengths);
            TensorAssert.Shape(rewards, [batch.Count], "RewardModel.forward's rewards [batch] of a fresh reward model holding the test's head");
            TensorAssert.AllFinite(rewards, "RewardModel.forward's rewards of a fresh reward model holding the test's head");
            return rewards.detach(); // [batch]
        })];
    }

    /// <summary><see cref="Rewards(Tensor, Tensor, Device, SequenceBatch[])"/> of one batch, as float64 numbers on the CPU.</summary>
    public static double[] Values(Tensor weight, Tensor bias, SequenceBatch batch, Device device) => Values(Rewards(weight, bias, device, batch)[0]);

    /// <summary>Rewards <c>[batch]</c> as float64 numbers on the CPU.</summary>
    public static double[] Values(Tensor rewards) => rewards.to(ScalarType.Float64).cpu().data<double>().ToArray();

    /// <summary>
    /// Fails unless some two of <paramref name="rewards"/> lie further apart than float32's tolerance: with a drawn head,
    /// distinct sentences get distinct rewards, and a forward that ties them all (zeros, the bias alone, one position every
    /// row shares) would make any check of who wins pass.
    /// </summary>
    public static void AssertNotAllTied(IReadOnlyList<double> rewards, string what)
    {
        var tolerance = Tolerance.For(ScalarType.Float32, TestDevice.Current.type);
        double scale = Tolerance.ScaleOf(rewards);
        double lowest = rewards.Min(), highest = rewards.Max();
        Assert.That(highest - lowest, Is.GreaterThan(tolerance.Allowed(highest, scale)),
            $"the rewards of {what} all tie (from {lowest:G6} to {highest:G6}): a head the test drew gives distinct sentences distinct rewards; " +
            "compute them as RewardModelTests.Forward_AppliesTheHeadToTheFinalLayerNormsOutput_AtEachRowsLastToken " +
            "asks (the head on ln_final.hook_normalized at each row's last token), so that who wins can be judged");
    }
}
