using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// A fully connected layer, y = x W + b, for x <c>[batch, d_in]</c>. Its gradients ("Deep Learning", section 6.5.9):
/// dL/dW = x^T (dL/dy), dL/db = the sum of dL/dy over the batch, dL/dx = (dL/dy) W^T.
/// </summary>
public sealed class Linear : ILayer
{
    /// <summary>
    /// Weights drawn from N(0, 1/d_in) (LeCun initialisation, which keeps the pre-activations of order 1) on the CPU
    /// from <paramref name="generator"/>, then moved to <paramref name="device"/>; biases zero.
    /// </summary>
    public Linear(long d_in, long d_out, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var weight = randn([d_in, d_out], dtype, CPU, generator: generator).div_(Math.Sqrt(d_in));
        W = new Parameter("W", weight.to(device ?? CPU));
        b = new Parameter("b", zeros([d_out], dtype, device ?? CPU));
    }

    /// <summary>The weights, <c>[d_in, d_out]</c>.</summary>
    public Parameter W { get; }

    /// <summary>The biases, <c>[d_out]</c>.</summary>
    public Parameter b { get; }

    public IReadOnlyList<Parameter> Parameters => [W, b];

    /// <summary>The input of the last <see cref="Forward"/>, <c>[batch, d_in]</c>: what <see cref="Backward"/> needs for dL/dW.</summary>
    public Tensor? Input { get; private set; }

    /// <summary>
    /// <c>x [batch, d_in] → [batch, d_out]</c>, in x's dtype; a batch of one or a d_out of 1 stays a dimension of size 1.
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        throw new NotImplementedException("Linear.Forward: keep x in Input for Backward, then return x W + b (matmul, and b broadcasts over the batch)");
    }

    /// <summary><c>gradOutput [batch, d_out] → [batch, d_in]</c>; sets <c>W.Grad</c> <c>[d_in, d_out]</c> and <c>b.Grad</c> <c>[d_out]</c>.</summary>
    public Tensor Backward(Tensor gradOutput)
    {
        throw new NotImplementedException("Linear.Backward: W.Grad = x^T gradOutput, b.Grad = gradOutput summed over the batch (sum(dim: 0); a bare sum(0) picks the dtype overload and sums everything); return gradOutput W^T");
    }
}
