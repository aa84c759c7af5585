using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class BradleyTerryTests : TorchTest
{
    static double Softplus(double x) => Math.Log(1 + Math.Exp(x));

    [Test, Points(3)]
    public void Loss_IsTheMeanNegativeLogSigmoidOfTheRewardDifference()
    {
        var chosen = tensor(new[] { 2.0, 0.0, -1.0 }, ScalarType.Float64).to(Device);
        var rejected = tensor(new[] { 0.0, 0.0, 0.5 }, ScalarType.Float64).to(Device);
        double expected = (Softplus(-2) + Softplus(0) + Softplus(1.5)) / 3; // −log σ(d) = log(1 + e^−d)

        var loss = BradleyTerry.Loss(chosen, rejected);

        TensorAssert.Close(loss, tensor(expected, ScalarType.Float64).to(Device),
            name: "BradleyTerry.Loss(r_chosen [2, 0, -1], r_rejected [0, 0, 0.5]) = mean(-log σ(r_c - r_r)) = 0.7906 (0.6931 for a tie, the loss of a coin flip)");
    }

    [TestCase(200.0, 0.0)]
    [TestCase(-200.0, 200.0)]
    [Points(3)]
    public void Loss_StaysFiniteForLargeDifferences(double difference, double expected)
    {
        var loss = BradleyTerry.Loss(tensor(new[] { (float)difference }).to(Device), zeros(1).to(Device));

        TensorAssert.Close(loss, tensor(expected, ScalarType.Float32).to(Device),
            name: $"BradleyTerry.Loss(r_chosen - r_rejected = {difference}) in float32 (log(sigmoid(-200)) is log 0 = -inf there; logsigmoid is not)");

        // The opposite difference in the same test: -log σ(-d) = -log σ(d) + d, so each case checks a loss of 0 and one of 200.
        var opposite = BradleyTerry.Loss(tensor(new[] { (float)-difference }).to(Device), zeros(1).to(Device));
        TensorAssert.Close(opposite, tensor(expected + difference, ScalarType.Float32).to(Device),
            name: $"BradleyTerry.Loss(r_chosen - r_rejected = {-difference}) in float32 = {expected + difference} (-log σ(d) = log(1 + e^-d); logsigmoid stays finite)");
    }

    [Test, Points(2)]
    public void Accuracy_CountsTheChosenAhead_AndATieAsWrong()
    {
        var chosen = tensor(new[] { 1f, 2f, 0f, -1f }).to(Device);
        var rejected = tensor(new[] { 0f, 3f, 0f, -2f }).to(Device);

        // A fraction, which a float32 mean gives to about 1e-7: within 1e-6, far below one pair or prompt more or less (1e-2 and up).
        Assert.That(BradleyTerry.Accuracy(chosen, rejected), Is.EqualTo(0.5).Within(1e-6),
            "BradleyTerry.Accuracy(r_chosen [1, 2, 0, -1], r_rejected [0, 3, 0, -2]): rows 0 and 3 are right, row 1 is wrong, row 2 is a tie (not right)");

        var otherChosen = tensor(new[] { 1f, 2f, 3f, 4f }).to(Device);
        var otherRejected = tensor(new[] { 0f, 1f, 2f, 5f }).to(Device);
        Assert.That(BradleyTerry.Accuracy(otherChosen, otherRejected), Is.EqualTo(0.75).Within(1e-6),
            "BradleyTerry.Accuracy(r_chosen [1, 2, 3, 4], r_rejected [0, 1, 2, 5]): rows 0, 1 and 2 are right, row 3 is wrong, so 0.75");
    }
}
