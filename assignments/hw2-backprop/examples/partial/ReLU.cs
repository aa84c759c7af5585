using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// y = max(x, 0), elementwise, for any shape. Its derivative is 1 where x &gt; 0 and 0 where x &lt; 0; at the kink
/// x = 0 we use 0, as PyTorch does.
/// </summary>
public sealed class ReLU : ILayer
{
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Where the input of the last <see cref="Forward"/> was positive (x &gt; 0, a bool tensor): where the gradient flows.</summary>
    public Tensor? Positive { get; private set; }

    public Tensor Forward(Tensor x)
    {
        Positive = x > 0;
        return x.relu();
    }

    public Tensor Backward(Tensor gradOutput)
    {
        var mask = Positive ?? throw new InvalidOperationException("ReLU.Backward called before Forward");
        return gradOutput * mask.to_type(gradOutput.dtype);
    }
}
