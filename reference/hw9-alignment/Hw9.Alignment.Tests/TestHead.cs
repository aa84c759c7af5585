using Course.Lens;
using Course.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

/// <summary>
/// A reward head of the test's own, and the rewards it gives as the handout defines them, computed by the test: every
/// reward a test judges by comes from here, never from <see cref="RewardModel"/>'s forward or from the head its
/// constructor chose. A head the constructor left at zero, or a forward that returns zeros, makes every such reward 0,
/// and a check against them passes for a stub (red team 17, a01). A drawn head also gives distinct sentences distinct
/// rewards, so a comparison of rewards is never a tie.
/// </summary>
static class TestHead
{
    /// <summary>
    /// Draws a head, weight <c>[1, d_model]</c> from N(0, 0.2²) and bias <c>[1]</c> 0.7 (not the constructor's 0, so a
    /// forward that leaves the bias out shows), and writes it into <paramref name="rewardModel"/>'s head, its shapes and
    /// dtypes checked (<see cref="TestWeights.Write(string, Tensor, Tensor)"/>). Returns the draw, on the device under test.
    /// </summary>
    public static (Tensor Weight, Tensor Bias) Write(RewardModel rewardModel, long d_model, Seeded seeded, Device device)
    {
        var (weight, bias) = (seeded.Randn([1, d_model]) * 0.2, full([1], 0.7f, device: device)); // [1, d_model], [1]
        TestWeights.Write([("RewardModel.head.weight", rewardModel.head.weight, weight), ("RewardModel.head.bias", rewardModel.head.bias, bias)]);
        return (weight, bias);
    }

    /// <summary>
    /// <c>ln_final.hook_normalized</c> at each row's last token (<c>[batch, d_model]</c>, on <paramref name="device"/>): what a
    /// head reads, from a fresh tiny GPT that homework code never has.
    /// </summary>
    public static Tensor LastTokenFeatures(SequenceBatch batch, Device device)
    {
        using var _ = no_grad();
        var model = TinyGpt.Load(device).Model;
        Tensor? normalized = null;
        using (model.Hook("ln_final.hook_normalized").AddHook((a, _) => { normalized = a.clone(); return null; }))
            model.call(batch.Tokens.to(device));
        var lengths = batch.Lengths.cpu().data<long>().ToArray();
        return stack(lengths.Select((length, row) => normalized![row, length - 1]).ToArray()); // [batch, d_model]
    }

    /// <summary>The reward of each row of <paramref name="batch"/> (<c>[batch]</c>): the head <paramref name="weight"/>, <paramref name="bias"/> on <see cref="LastTokenFeatures"/>.</summary>
    public static Tensor Rewards(Tensor weight, Tensor bias, SequenceBatch batch, Device device)
    {
        using var _ = no_grad();
        return LastTokenFeatures(batch, device).matmul(weight.to(device).t()).squeeze(-1) + bias.to(device); // [batch]
    }
}
