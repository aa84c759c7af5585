using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>y = tanh(x), elementwise, for any shape. Its derivative is 1 - tanh(x)^2 = 1 - y^2.</summary>
public sealed class Tanh : ILayer
{
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>The output y of the last <see cref="Forward"/>: the derivative is written with it.</summary>
    public Tensor? Output { get; private set; }

    public Tensor Forward(Tensor x)
    {
        Output = x.tanh();
        return Output;
    }

    public Tensor Backward(Tensor gradOutput)
    {
        var y = Output ?? throw new InvalidOperationException("Tanh.Backward called before Forward");
        return gradOutput * (1 - y * y);
    }
}
