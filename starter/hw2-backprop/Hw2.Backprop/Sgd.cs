using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>Plain stochastic gradient descent: θ ← θ - lr · dL/dθ for every parameter θ.</summary>
public sealed class Sgd(IReadOnlyList<Parameter> parameters, double lr)
{
    public IReadOnlyList<Parameter> Parameters { get; } = parameters;

    public double LearningRate { get; } = lr;

    /// <summary>
    /// Updates every parameter's <see cref="Parameter.Value"/> in place by -lr times its <see cref="Parameter.Grad"/>,
    /// however large the gradient (no clipping or normalising);
    /// parameters whose Grad is null (no backward pass reached them) are left as they are.
    /// </summary>
    public void Step()
    {
        throw new NotImplementedException("Sgd.Step: for each parameter with a Grad, Value.sub_(Grad * lr): in place, so the layers see it");
    }
}
