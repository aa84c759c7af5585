using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// Weights a test draws itself and writes into the parameters a student's constructor made, so that the values it expects
/// are computed from its own draw and never from the constructor's choice. A constructor is student code: weights it makes
/// zero turn attention into a formula of the biases, a layer's input gradient into zero, a reward into a constant, each a
/// value a stub can return without computing anything (red team 16, a02; red team 17, a01 and a02).
/// </summary>
/// <remarks>
/// Each parameter is checked before it is written (its shape, and its dtype against the draw's, since an integer parameter
/// rounds a draw to zeros: red team 16, d01) and read back after all are written, so that what the test computes from is
/// what the parameters hold: two parameters that share one tensor keep only the last draw, and fail here rather than in
/// a test whose expected value assumed two.
/// </remarks>
public static class TestWeights
{
    /// <summary>
    /// Copies each draw into its parameter, without recording a gradient, then checks that every parameter holds its draw
    /// exactly. Fails the test, naming the parameter and the constructor's part in it, when a shape or dtype differs from
    /// the draw's or a parameter does not hold what was written.
    /// </summary>
    /// <param name="weights">The parameters in the order written, each with the name a message gives it (as the
    /// student's code names it: <c>AttentionHead.W_Q</c>) and the test's draw, on any device.</param>
    public static void Write(IEnumerable<(string Name, Tensor? Parameter, Tensor Drawn)> weights)
    {
        var written = new List<(string Name, Tensor Parameter, Tensor Drawn)>();
        using (no_grad())
        {
            foreach (var (name, parameter, drawn) in weights)
            {
                TensorAssert.Shape(parameter, drawn.shape, $"{name} (its shape is fixed by the constructor you were given)");
                if (parameter!.dtype != drawn.dtype)
                    Assert.Fail($"{name}'s dtype: got {parameter.dtype}, expected {drawn.dtype}, as the constructor you were given makes it " +
                        "(the test writes its own values into it and computes what it expects from them)");
                parameter.copy_(drawn);
                written.Add((name, parameter, drawn));
            }
        }
        foreach (var (name, parameter, drawn) in written)
        {
            using var held = parameter.detach().cpu();
            if (!held.allclose(drawn.cpu(), rtol: 0, atol: 0))
                Assert.Fail($"{name} does not hold the values the test wrote into it: it shares its tensor with another parameter. " +
                    "Keep one tensor per parameter, as the constructor you were given makes them");
        }
    }

    /// <summary>Writes one draw, as <see cref="Write(IEnumerable{ValueTuple{string, Tensor, Tensor}})"/> does.</summary>
    public static void Write(string name, Tensor? parameter, Tensor drawn) => Write([(name, parameter, drawn)]);
}
