using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>y = σ(x) = 1 / (1 + e^-x), elementwise, for any shape. Its derivative is σ(x) (1 - σ(x)) = y (1 - y).</summary>
public sealed class Sigmoid : ILayer
{
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>The output y of the last <see cref="Forward"/>: the derivative is written with it.</summary>
    public Tensor? Output { get; private set; }

    public Tensor Forward(Tensor x)
    {
        throw new NotImplementedException("Sigmoid.Forward: compute y = sigmoid(x) (x.sigmoid() is fine, and stable for large |x|), keep it in Output and return it");
    }

    public Tensor Backward(Tensor gradOutput)
    {
        throw new NotImplementedException("Sigmoid.Backward: dL/dx = dL/dy * y * (1 - y), elementwise");
    }
}
