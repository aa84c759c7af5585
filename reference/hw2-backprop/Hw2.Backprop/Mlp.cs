using TorchSharp;
using static TorchSharp.torch;

namespace Hw2.Backprop;

/// <summary>
/// A multilayer perceptron: Linear, activation, Linear, activation, ..., Linear. For sizes [2, 16, 16, 3] it is
/// Linear(2, 16), act, Linear(16, 16), act, Linear(16, 3): one Linear per pair of consecutive sizes, an activation
/// after every Linear but the last, so the output is the logits. Backward runs the layers in reverse: the chain rule.
/// </summary>
public sealed class Mlp : ILayer
{
    /// <summary>
    /// <paramref name="sizes"/> are the widths from the input to the output (at least two); <paramref name="activation"/>
    /// makes a new activation layer each time it is called. The Linear layers draw their weights from
    /// <paramref name="generator"/> in order, from the first to the last.
    /// </summary>
    public Mlp(IReadOnlyList<long> sizes, Func<ILayer> activation, Generator? generator = null, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        if (sizes.Count < 2) throw new ArgumentException("an MLP needs at least an input and an output size", nameof(sizes));
        Layers = Build(sizes, activation, generator, dtype, device);
    }

    /// <summary>The layers in forward order.</summary>
    public IReadOnlyList<ILayer> Layers { get; }

    static IReadOnlyList<ILayer> Build(IReadOnlyList<long> sizes, Func<ILayer> activation, Generator? generator, ScalarType dtype, Device? device)
    {
        // BEGIN SOLUTION: for each i, add new Linear(sizes[i], sizes[i + 1], generator, dtype, device), then activation() unless it is the last Linear
        var layers = new List<ILayer>();
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            layers.Add(new Linear(sizes[i], sizes[i + 1], generator, dtype, device));
            if (i + 2 < sizes.Count) layers.Add(activation());
        }
        return layers;
        // END SOLUTION
    }

    /// <summary>Every layer's parameters, in layer order (W, b of the first Linear, then of the second, ...).</summary>
    public IReadOnlyList<Parameter> Parameters
    {
        get
        {
            // BEGIN SOLUTION: concatenate the Parameters of the layers, in order
            return Layers.SelectMany(layer => layer.Parameters).ToList();
            // END SOLUTION
        }
    }

    /// <summary><c>x [batch, sizes[0]] → logits [batch, sizes[^1]]</c>.</summary>
    public Tensor Forward(Tensor x)
    {
        // BEGIN SOLUTION: feed x through every layer in order
        foreach (var layer in Layers) x = layer.Forward(x);
        return x;
        // END SOLUTION
    }

    /// <summary><c>dL/d(logits) [batch, sizes[^1]] → dL/dx [batch, sizes[0]]</c>; sets the gradient of every parameter.</summary>
    public Tensor Backward(Tensor gradOutput)
    {
        // BEGIN SOLUTION: feed the gradient through every layer's Backward, from the last layer to the first
        for (int i = Layers.Count - 1; i >= 0; i--) gradOutput = Layers[i].Backward(gradOutput);
        return gradOutput;
        // END SOLUTION
    }
}
