using NUnit.Framework;
using Snapshooter.NUnit;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>
/// When NaN or infinities are not where the expected tensor has them, the first line says what was expected where,
/// what came instead, and the likely bug for that case; each message is a reviewed snapshot.
/// </summary>
public class NonFiniteMessageTests : TorchTest
{
    /// <summary>Causally masked attention scores, [3, 3]: -inf above the diagonal.</summary>
    static Tensor MaskedScores() =>
        tensor(new[] { 0.5f, 0.25f, -1f, 1.5f, 2f, 0.75f, -0.5f, 1f, 3f }).reshape(3, 3)
            .masked_fill(ones(3, 3, dtype: ScalarType.Bool).triu(1), float.NegativeInfinity);

    static string Message(Tensor actual, Tensor expected, string name) =>
        TensorAssert.CloseFailure(actual, expected, name: name) ?? throw new AssertionException("expected a failure message");

    [Test]
    public void GivenNaNWhereAFiniteValueWasExpected_ThenTheHintIsAboutDivisionLogAndExp()
    {
        var expected = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        var actual = expected.clone();
        actual[1, 2] = tensor(float.NaN);
        Snapshot.Match(Message(actual, expected, "layer norm output"));
    }

    [Test]
    public void GivenPlusInfWhereAFiniteValueWasExpected_ThenTheHintIsAboutDivisionByZeroAndOverflow()
    {
        var expected = ones(2, 2);
        var actual = expected.clone();
        actual[0, 1] = tensor(float.PositiveInfinity);
        actual[1, 0] = tensor(float.PositiveInfinity);
        Snapshot.Match(Message(actual, expected, "softmax numerator"));
    }

    [Test]
    public void GivenAFiniteValueWhereTheMaskExpectsMinusInf_ThenItSaysTheMaskIsNotApplied()
    {
        var expected = MaskedScores();
        var actual = expected.clone();
        actual[0, 1] = tensor(0.25f);
        actual[0, 2] = tensor(-1f);
        Snapshot.Match(Message(actual, expected, "masked scores"));
    }

    [Test]
    public void GivenMinusInfWhereTheMaskExpectsAValue_ThenItSaysTheMaskReachesTooFar()
    {
        var expected = MaskedScores();
        var actual = expected.clone();
        actual[1, 1] = tensor(float.NegativeInfinity);
        actual[2, 2] = tensor(float.NegativeInfinity);
        actual[0, 0] = tensor(float.NegativeInfinity);
        Snapshot.Match(Message(actual, expected, "masked scores"));
    }

    [Test]
    public void GivenMinusInfWithoutAnyMaskExpected_ThenTheHintIsTheLogOfZero()
    {
        var expected = tensor(new[] { -2.3f, -0.1f, -1.2f });
        var actual = tensor(new[] { -2.3f, float.NegativeInfinity, -1.2f });
        Snapshot.Match(Message(actual, expected, "log probabilities"));
    }

    [Test]
    public void GivenTheMaskOnTheWrongTriangle_ThenItSaysTheMaskCoversTheWrongPositions()
    {
        var expected = MaskedScores();
        var actual = MaskedScores().nan_to_num(posinf: 0, neginf: 0)
            .masked_fill(ones(3, 3, dtype: ScalarType.Bool).tril(-1), float.NegativeInfinity);
        Snapshot.Match(Message(actual, expected, "masked scores"));
    }

    [Test]
    public void GivenPlusInfWhereMinusInfWasExpected_ThenItSaysTheSignIsSwapped()
    {
        var expected = MaskedScores();
        var actual = expected.nan_to_num(posinf: float.PositiveInfinity, neginf: float.PositiveInfinity);
        Snapshot.Match(Message(actual, expected, "masked scores"));
    }

    [Test]
    public void GivenNaNWhereMinusInfWasExpected_ThenItPointsAtInfMinusInf()
    {
        var expected = MaskedScores();
        var actual = expected.nan_to_num(nan: 0, posinf: float.PositiveInfinity, neginf: float.NaN);
        Snapshot.Match(Message(actual, expected, "shifted scores"));
    }

    [Test]
    public void GivenAFiniteValueWhereNaNWasExpected_ThenItSaysTheReferenceIsUndefinedThere()
    {
        var expected = tensor(new[] { 1.0, double.NaN });
        var actual = tensor(new[] { 1.0, 0.0 });
        Snapshot.Match(Message(actual, expected, "ratio"));
    }

    [Test]
    public void GivenNaNWhereTheExpectedValueIsNaNToo_ThenItFails_UnlessEqualNanIsAsked()
    {
        // A test that checks homework code against homework code (causality, determinism, an input left unchanged) would
        // otherwise pass for code that gives NaN everywhere (red team 5: hw4's causality test); torch.testing's rule.
        var expected = tensor(new[] { 1.0, double.NaN, double.NaN });
        var actual = expected.clone();

        Assert.That(Message(actual, expected, "logits"), Does.StartWith(
            "logits: got NaN at [1], and the value it is checked against is NaN too (and at 1 more position): NaN equals nothing, so there is no answer there to match. "));
        Assert.That(TensorAssert.CloseFailure(actual, expected, name: "logits", equalNan: true), Is.Null);
        Assert.That(TensorAssert.CloseFailure(actual, expected, Tolerance.Exact, "logits"), Is.Not.Null, "Tolerance.Exact: NaN never equals NaN");
    }

    [Test]
    public void GivenNonFiniteValuesInTheSamePlaces_ThenTheyAreNotReportedAsMisplaced()
    {
        var expected = MaskedScores();
        var actual = expected.clone();
        actual[2, 0] = tensor(-0.4f);

        var message = Message(actual, expected, "masked scores");

        Assert.That(message, Does.StartWith("masked scores: 1 of 9 elements"));
    }
}
