using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// A trainable tensor and the gradient of the loss with respect to it. <see cref="Value"/> is a plain tensor
/// (no autograd); an optimizer updates it in place, so every reference to it sees the new values.
/// </summary>
public sealed class Parameter(string name, Tensor value)
{
    /// <summary>A name for messages, such as "W" or "b".</summary>
    public string Name { get; } = name;

    /// <summary>The current value; updated in place by <see cref="Sgd.Step"/>.</summary>
    public Tensor Value { get; } = value;

    /// <summary>dL/d(<see cref="Value"/>) from the last backward pass, the same shape as <see cref="Value"/>; null before one.</summary>
    public Tensor? Grad { get; set; }
}
