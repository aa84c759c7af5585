using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// Softmax followed by the cross-entropy loss, fused: for logits z <c>[batch, classes]</c> and targets t <c>[batch]</c>,
/// L = mean over the batch of -log softmax(z_i)[t_i]. Fused, the gradient is simple and stable
/// ("Deep Learning", section 6.2.2.3): dL/dz = (softmax(z) - onehot(t)) / batch.
/// </summary>
public sealed class SoftmaxCrossEntropy
{
    /// <summary>softmax(logits) of the last <see cref="Forward"/>, <c>[batch, classes]</c>.</summary>
    public Tensor? Probabilities { get; private set; }

    /// <summary>The targets of the last <see cref="Forward"/>, <c>[batch]</c>.</summary>
    public Tensor? Targets { get; private set; }

    /// <summary>
    /// The mean cross-entropy, a 0-dimensional tensor of the dtype of <paramref name="logits"/> <c>[batch, classes]</c>,
    /// for class ids <paramref name="targets"/> <c>[batch]</c> (int64). Finite even for logits in the thousands.
    /// </summary>
    public Tensor Forward(Tensor logits, Tensor targets)
    {
        throw new NotImplementedException("SoftmaxCrossEntropy.Forward: subtract each row's max, take log-softmax = shifted - log(sum(exp(shifted))), keep the softmax in Probabilities and the targets in Targets, return the mean of -logp[i, t_i] (gather)");
    }

    /// <summary>dL/d(logits) of the last <see cref="Forward"/>, <c>[batch, classes]</c>: (softmax - onehot(targets)) / batch.</summary>
    public Tensor Backward()
    {
        throw new NotImplementedException("SoftmaxCrossEntropy.Backward: one-hot the targets (nn.functional.one_hot, then to the dtype of the probabilities), subtract from the softmax, divide by the batch size");
    }
}
