using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>Each failure message must name what is wrong, so a student can act on it.</summary>
public class TensorAssertMessageTests : TorchTest
{
    [Test]
    public void GivenEqualTensors_WhenCompared_ThenItPasses()
    {
        var expected = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        Assert.That(TensorAssert.CloseFailure(expected.clone(), expected), Is.Null);
        Assert.DoesNotThrow(() => TensorAssert.Close(expected.clone(), expected));
    }

    [Test]
    public void GivenValuesWithinTolerance_WhenCompared_ThenItPasses()
    {
        var expected = ones(4, dtype: ScalarType.Float64);
        Assert.That(TensorAssert.CloseFailure(expected + 5e-8, expected, new Tolerance(1e-7, 0)), Is.Null);
    }

    [Test]
    public void GivenAWrongShape_WhenCompared_ThenTheMessageGivesBothShapesAndTheDimension()
    {
        var message = TensorAssert.CloseFailure(zeros(2, 5, 8), zeros(2, 5, 16), name: "attention output");
        Assert.That(message, Does.StartWith("attention output: shape mismatch: got [2, 5, 8], expected [2, 5, 16]"));
        Assert.That(message, Does.Contain("dimension 2 differs"));
    }

    [Test]
    public void GivenAxisNames_WhenAGridDiffers_ThenTheFirstLineNamesTheWorstCellByItsAxes()
    {
        var expected = zeros(2, 4, dtype: ScalarType.Float32); // [layer, position]
        var actual = expected.clone();
        actual[1, 3] = tensor(0.5f);
        actual[0, 2] = tensor(0.1f);

        var message = TensorAssert.CloseFailure(actual, expected, name: "residual grid", axes: ["layer", "position"])!;

        Assert.That(message.Split('\n')[0], Does.StartWith("residual grid: worst at [layer 1, position 3], got 0.5, expected 0; 2 of 8 cells differ"));
        Assert.That(message, Does.Contain("[layer 0, position 2]: 0.1 vs 0"), "the mismatches listed by axis name too");
        Assert.Throws<ArgumentException>(() => TensorAssert.CloseFailure(actual, expected, axes: ["layer"]), "one name per dimension");
    }

    [Test]
    public void GivenAxisNames_WhenAGridIsShiftedByOne_ThenTheHintSaysWhichAxisIsOffByOne()
    {
        var expected = tensor(new[] { 0f, 1f, 5f, 2f, 0f, 3f, 0f, 4f, 1f, 0f }).reshape(2, 5); // [layer, position]
        var shifted = cat([expected[.., 1..], expected[.., ^1..]], 1); // cell p holds cell p + 1's value; the last one stays

        var message = TensorAssert.CloseFailure(shifted, expected, axes: ["layer", "position"])!;
        var unrelated = TensorAssert.CloseFailure(expected.flip(0), expected, axes: ["layer", "position"])!;

        Assert.That(message, Does.Contain("hint: each cell holds what its neighbour at position +1 should: an index off by one along position?"));
        Assert.That(unrelated, Does.Not.Contain("off by one"), "a grid that is wrong in another way gets no such hint");
    }

    [Test]
    public void GivenATransposedResult_WhenCompared_ThenTheMessageSuggestsATranspose()
    {
        var message = TensorAssert.CloseFailure(zeros(3, 2), zeros(2, 3));
        Assert.That(message, Does.Contain("transpose or permute"));
    }

    [Test]
    public void GivenAMissingDimension_WhenCompared_ThenTheMessageCountsDimensions()
    {
        var message = TensorAssert.CloseFailure(zeros(5, 8), zeros(1, 5, 8));
        Assert.That(message, Does.Contain("2 dimensions instead of 3"));
    }

    [Test]
    public void GivenTheRightValuesInAnotherDtype_WhenCompared_ThenTheMessageSaysOnlyTheDtypeIsWrong()
    {
        // Probes of correct rewrites (red team 17) found float64 results, right but never converted back, that heard only
        // "dtype mismatch" and could not tell it from a wrong result.
        var message = TensorAssert.CloseFailure(tensor(new[] { 0.5, 1.25, -3.0 }), tensor(new[] { 0.5f, 1.25f, -3.0f }), name: "LogitLens.Logits");
        Assert.That(message, Is.EqualTo("LogitLens.Logits: dtype mismatch: got Float64, expected Float32; the values are right, so convert the result to " +
            "Float32 before returning it (computing in another dtype inside is fine)"));
    }

    [Test]
    public void GivenWrongValuesInAnotherDtype_WhenCompared_ThenTheMessageNamesBothDtypesAndTheWorstValue()
    {
        var message = TensorAssert.CloseFailure(tensor(new[] { 0.5, 2.5, -3.0 }), tensor(new[] { 0.5f, 1.25f, -3.0f }));
        Assert.That(message, Does.StartWith("tensor: dtype mismatch: got Float64, expected Float32, and the values differ too: " +
            "1 of 3 elements (33.3%) differ; worst at index [1]: got 2.5, expected 1.25.\n"));
    }

    [Test]
    public void GivenFractionsWhereIntegersAreExpected_WhenCompared_ThenTheyAreNotCalledRightByRounding()
    {
        // A red team (stop 62): read as int64, [1.9, 0.9] had become [1, 0], "right".
        var message = TensorAssert.CloseFailure(tensor(new[] { 1.9, 0.9 }), tensor(new long[] { 1, 0 }), name: "counts");
        Assert.That(message, Does.StartWith("counts: dtype mismatch: got Float64, expected Int64, and the values differ too: 2 of 2 elements (100%) differ; " +
            "worst at index [0]: got 1.9, expected 1; hint: every value is off by the same amount 0.9"));
    }

    [Test]
    public void GivenNonzeroFloatsWhereBoolsAreExpected_WhenCompared_ThenOnlyOnesAndZerosAreRight()
    {
        var message = TensorAssert.CloseFailure(tensor(new[] { 0.3f, 0f }), tensor(new[] { true, false }), name: "mask");
        Assert.That(message, Does.StartWith("mask: dtype mismatch: got Float32, expected Bool, and the values differ too"));
    }

    [Test]
    public void GivenIntegerIdsReturnedAsFloats_WhenCompared_ThenTheValuesAreReadAsIntegers()
    {
        var message = TensorAssert.CloseFailure(tensor(new[] { 3f, 0f, 7f }), tensor(new long[] { 3, 0, 7 }), name: "argmax");
        Assert.That(message, Does.StartWith("argmax: dtype mismatch: got Float32, expected Int64; the values are right"));
    }

    [Test]
    public void GivenNaNs_WhenCompared_ThenTheMessageCountsThemAndGivesTheFirstIndex()
    {
        var actual = zeros(2, 3);
        actual[1, 2] = tensor(float.NaN);
        actual[0, 1] = tensor(float.PositiveInfinity);
        var message = TensorAssert.CloseFailure(actual, zeros(2, 3), name: "pattern");
        Assert.That(message, Does.StartWith("pattern: got +inf at [0, 1] where 0 was expected."));
        Assert.That(message, Does.Contain("got 1 NaN, 1 +inf and 0 -inf; expected 0 NaN, 0 +inf and 0 -inf"));
        Assert.That(message, Does.Contain("[1, 2]: NaN vs 0"));
    }

    [Test]
    public void GivenOneWrongValue_WhenCompared_ThenTheMessageGivesItsIndexBothValuesAndTheErrors()
    {
        var expected = arange(12, dtype: ScalarType.Float32).reshape(3, 4);
        var actual = expected.clone();
        actual[2, 1] = tensor(100f);
        var message = TensorAssert.CloseFailure(actual, expected);
        Assert.That(message!.Split('\n')[0], Is.EqualTo("tensor: 1 of 12 elements (8.3%) differ; worst at index [2, 1]: got 100, expected 9."), "the facts first, on the line a report's table shows");
        Assert.That(message, Does.Contain("beyond rtol=6.1E-05, atol=1E-06 (at the tensor's scale 6.49); max abs error 91, max rel error 10.11"));
        Assert.That(message, Does.Contain("[2, 1]: 100 vs 9"));
    }

    [Test]
    public void GivenManyWrongValues_WhenCompared_ThenOnlyAFewAreListed()
    {
        var message = TensorAssert.CloseFailure(ones(20), zeros(20) + tensor(new float[20].Select((_, i) => (float)i).ToArray()));
        Assert.That(message, Does.Contain("... and"));
    }

    [Test]
    public void GivenAResultOffByAConstantFactor_WhenCompared_ThenTheHintPointsAtAScale()
    {
        var expected = arange(1, 9, dtype: ScalarType.Float64);
        var message = TensorAssert.CloseFailure(expected * 2.8284271247461903, expected);
        Assert.That(message!.Split('\n')[0], Does.EndWith("; hint: every value is off by the same factor 2.828: a scale is missing, doubled or inverted?"));
    }

    [Test]
    public void GivenAResultOfZerosWhereTheExpectedIsNot_WhenCompared_ThenTheHintSaysSoRatherThanAFactorOfZero()
    {
        var expected = arange(1, 9, dtype: ScalarType.Float64);
        var message = TensorAssert.CloseFailure(zeros_like(expected), expected);
        Assert.That(message!.Split('\n')[0], Does.EndWith("; hint: every value is 0 where the expected is not: is the result ever computed, or multiplied by a zero?"));
    }

    /// <summary>A red team (round 18): every reward 0.7 below the expected one, the head's bias of 0.7 left out.</summary>
    [Test]
    public void GivenAResultOffByAConstantAmount_WhenCompared_ThenTheHintPointsAtABias()
    {
        var expected = tensor(new[] { 0.31, -1.2, 2.5, 0.05 });
        var message = TensorAssert.CloseFailure(expected - 0.7, expected);
        Assert.That(message!.Split('\n')[0], Does.EndWith("; hint: every value is off by the same amount -0.7: a bias or another constant term left out, or added twice?"));
    }

    [Test]
    public void GivenDifferencesThatAreSmallAndAlike_WhenCompared_ThenNoConstantTermIsBlamed()
    {
        // Off by 1e-4 everywhere, at a scale of 2.5: beyond a strict tolerance, but no larger than how far differences may spread.
        var expected = tensor(new[] { 0.31, -1.2, 2.5, 0.05 });
        var message = TensorAssert.CloseFailure(expected + 1e-4, expected, Tolerance.Exact);
        Assert.That(message!.Split('\n')[0], Does.Not.Contain("hint"));
    }

    [Test]
    public void GivenAResultWithEverySignFlipped_WhenCompared_ThenTheHintSaysSo()
    {
        var expected = arange(1, 9, dtype: ScalarType.Float64);
        var message = TensorAssert.CloseFailure(-expected, expected);
        Assert.That(message!.Split('\n')[0], Does.EndWith("; hint: every value has the opposite sign: a sign is flipped?"));
    }

    [TestCase(1.0000001, 1.0, "loss: got 1.0000001, expected 1.")]
    [TestCase(-1.9255193632156358, -1.9255194594075793, "loss: got -1.92551936, expected -1.92551946.")]
    [TestCase(11.908, 1.98467, "loss: got 11.908, expected 1.98467 (6 times the expected value).")]
    [TestCase(-0.5, 0.5, "loss: got -0.5, expected 0.5 (the expected value with the opposite sign: a sign is flipped?).")]
    [TestCase(0.25, 0.0, "loss: got 0.25, expected 0.")]
    [TestCase(0.0, 2.03687, "loss: got 0, expected 2.03687 (0 where the expected is not: is the result ever computed, or multiplied by a zero?).")]
    public void GivenOneNumber_WhenCompared_ThenTheFirstLineGivesBothValues(double actual, double expected, string first)
    {
        var message = TensorAssert.CloseFailure(tensor(actual), tensor(expected), Tolerance.Exact, name: "loss");
        Assert.That(message!.Split('\n')[0], Is.EqualTo(first));
        Assert.That(message, Does.Not.Contain("first mismatches"), "one value has no list of them");
    }

    [Test]
    public void GivenNull_WhenCompared_ThenTheMessageSaysSo()
    {
        Assert.That(TensorAssert.CloseFailure(null, zeros(2)), Is.EqualTo("tensor: got null, expected a tensor of shape [2]"));
    }

    [Test]
    public void GivenAFailure_WhenAsserted_ThenNUnitFailsTheTestWithTheMessage()
    {
        var ex = Assert.Throws<AssertionException>(() => TensorAssert.Close(ones(2), zeros(2), name: "logits"));
        Assert.That(ex!.Message, Does.Contain("logits: 2 of 2 elements"));
    }

    [Test]
    public void GivenNonFiniteValues_WhenCheckedForFiniteness_ThenTheyAreCounted()
    {
        var t = tensor(new[] { 1f, float.NaN, float.NegativeInfinity });
        var ex = Assert.Throws<AssertionException>(() => TensorAssert.AllFinite(t, "loss"));
        Assert.That(ex!.Message, Does.Contain("loss: 1 NaN and 1 Inf values out of 3; first at index [1]"));
    }

    [Test]
    public void GivenAWrongShape_WhenTheShapeIsAsserted_ThenBothShapesAreNamed()
    {
        var ex = Assert.Throws<AssertionException>(() => TensorAssert.Shape(zeros(2, 3), [2, 4], "scores"));
        Assert.That(ex!.Message, Does.Contain("scores: shape mismatch: got [2, 3], expected [2, 4]"));
    }
}
