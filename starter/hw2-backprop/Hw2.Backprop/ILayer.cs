using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// A layer of a network trained by hand-written backpropagation, without autograd (Rumelhart, Hinton and
/// Williams 1986; Goodfellow, Bengio and Courville, "Deep Learning", section 6.5).
/// <para>
/// <see cref="Forward"/> computes the output and keeps what <see cref="Backward"/> will need (the input, or the
/// output). <see cref="Backward"/> takes dL/d(output) of that last forward pass, sets <see cref="Parameter.Grad"/>
/// of every parameter to dL/d(parameter), replacing any earlier value (gradients are not accumulated), and
/// returns dL/d(input).
/// </para>
/// </summary>
public interface ILayer
{
    /// <summary>The output for <paramref name="x"/>; caches what <see cref="Backward"/> needs.</summary>
    Tensor Forward(Tensor x);

    /// <summary>
    /// Given <paramref name="gradOutput"/> = dL/d(output), the same shape as the last output, sets the gradient of
    /// every parameter and returns dL/d(input), the same shape as the last input.
    /// </summary>
    Tensor Backward(Tensor gradOutput);

    /// <summary>The trainable parameters, in a fixed order; empty for a layer without any.</summary>
    IReadOnlyList<Parameter> Parameters { get; }
}
