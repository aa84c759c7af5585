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
        // BEGIN SOLUTION: keep the mask x > 0 in Positive, return x.relu() (or x where the mask holds, else 0)
        Positive = x > 0;
        return x.relu();
        // END SOLUTION
    }

    public Tensor Backward(Tensor gradOutput)
    {
        // BEGIN SOLUTION: pass the gradient where x > 0 and 0 elsewhere (where(mask, gradOutput, 0) or gradOutput * mask)
        var mask = Positive ?? throw new InvalidOperationException("ReLU.Backward called before Forward");
        return gradOutput * mask.to_type(gradOutput.dtype);
        // END SOLUTION
    }
}
