using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw7.Sae;

/// <summary>
/// The toy model of Elhage et al. (2022), <c>n_inst</c> independent instances at once (ARENA's names): instance
/// <c>i</c> squeezes <c>n_features</c> features into <c>d_hidden</c> dimensions, <c>h = W[i] x</c>, and reads them back
/// with the transpose, <c>x' = ReLU(W[i]ᵀ h + b_final[i])</c>. Column <c>W[i, :, f]</c> is feature <c>f</c>'s direction in
/// the hidden space. The instances share nothing but the tensors they are stored in: every operation runs on all of
/// them at once, with no loop over instances.
/// </summary>
public sealed class ToyModel : Module<Tensor, Tensor>
{
    public readonly Parameter W; // [n_inst, d_hidden, n_features]
    public readonly Parameter b_final; // [n_inst, n_features]

    /// <summary>
    /// <c>W</c> drawn normal with the Xavier standard deviation <c>sqrt(2 / (d_hidden + n_features))</c> from
    /// <paramref name="generator"/> on the CPU (from the global generator when null); <c>b_final</c> zero.
    /// </summary>
    public ToyModel(long nInst, long nFeatures, long dHidden, Generator? generator = null) : base(nameof(ToyModel))
    {
        var std = Math.Sqrt(2.0 / (dHidden + nFeatures));
        W = Parameter(randn([nInst, dHidden, nFeatures], ScalarType.Float32, CPU, generator: generator) * std);
        b_final = Parameter(zeros(nInst, nFeatures));
        RegisterComponents();
    }

    public long NInst => W.shape[0];
    public long DHidden => W.shape[1];
    public long NFeatures => W.shape[2];

    /// <summary><c>x [batch, n_inst, n_features] → h [batch, n_inst, d_hidden]</c>: <c>h[b, i] = W[i] x[b, i]</c>.</summary>
    public Tensor Hidden(Tensor x)
    {
        return einsum("bif,ihf->bih", x, W); // [batch, n_inst, d_hidden]
    }

    /// <summary><c>x [batch, n_inst, n_features] → x' [batch, n_inst, n_features]</c>: <c>ReLU(W[i]ᵀ h[b, i] + b_final[i])</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        var h = Hidden(x); // [batch, n_inst, d_hidden]
        var back = einsum("bih,ihf->bif", h, W); // [batch, n_inst, n_features]
        return functional.relu(back + b_final);
    }
}
