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
        Output = x.sigmoid();
        return Output;
    }

    public Tensor Backward(Tensor gradOutput)
    {
        var y = Output ?? throw new InvalidOperationException("Sigmoid.Backward called before Forward");
        return gradOutput * y;
    }
}
