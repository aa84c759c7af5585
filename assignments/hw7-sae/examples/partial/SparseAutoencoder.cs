using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw7.Sae;

/// <summary>
/// A sparse autoencoder with SAELens's names (Bricken et al. 2023, "Towards Monosemanticity"):
/// <c>z = ReLU((x − b_dec) W_enc + b_enc)</c> and <c>x̂ = z W_dec + b_dec</c>. Each row of <c>W_dec</c> is a latent's
/// direction in the input space ("dictionary vector"); training keeps those rows at unit norm (<see cref="DecoderNorm"/>).
/// With <see cref="K"/> set it is a TopK autoencoder (Gao et al. 2024): only the k largest pre-activations of each
/// input survive (<see cref="TopK"/>).
/// </summary>
public sealed class SparseAutoencoder : Module<Tensor, Tensor>
{
    public readonly Parameter W_enc; // [d_in, d_sae]
    public readonly Parameter b_enc; // [d_sae]
    public readonly Parameter W_dec; // [d_sae, d_in]
    public readonly Parameter b_dec; // [d_in]

    /// <summary>
    /// Decoder rows drawn from a normal distribution seeded by <paramref name="seed"/> (on the CPU) and scaled to unit
    /// norm, the encoder their transpose, the biases zero: as Anthropic and SAELens initialise.
    /// </summary>
    /// <param name="k">Null for a ReLU autoencoder; a number of latents for a TopK one.</param>
    public SparseAutoencoder(long d_in, long d_sae, long seed = 0, int? k = null) : base(nameof(SparseAutoencoder))
    {
        if (k is { } kk && (kk < 1 || kk > d_sae)) throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in [1, d_sae = {d_sae}]");
        using var generator = new Generator((ulong)seed, CPU);
        var directions = randn([d_sae, d_in], generator: generator); // [d_sae, d_in]
        directions = directions / linalg.vector_norm(directions, dims: [1], keepdim: true);
        W_dec = Parameter(directions.clone());
        W_enc = Parameter(directions.t().clone()); // [d_in, d_sae]
        b_enc = Parameter(zeros(d_sae));
        b_dec = Parameter(zeros(d_in));
        (DIn, DSae, K) = (d_in, d_sae, k);
        RegisterComponents();
    }

    public long DIn { get; }
    public long DSae { get; }

    /// <summary>The number of latents a TopK autoencoder keeps per input; null for a ReLU autoencoder.</summary>
    public int? K { get; }

    /// <summary>
    /// <c>x [batch, d_in] → z [batch, d_sae]</c>: the pre-activations <c>(x − b_dec) W_enc + b_enc</c>, then ReLU, or
    /// <see cref="TopK.Keep"/> when <see cref="K"/> is set.
    /// </summary>
    public Tensor Encode(Tensor x)
    {
        var pre = (x - b_dec).matmul(W_enc) + b_enc; // [batch, d_sae]
        return K is { } k ? TopK.Keep(pre, k) : functional.relu(pre);
    }

    /// <summary><c>z [batch, d_sae] → x̂ [batch, d_in]</c>: <c>z W_dec + b_dec</c>.</summary>
    public Tensor Decode(Tensor z)
    {
        return z.matmul(W_dec) + b_dec; // [batch, d_in]
    }

    /// <summary><c>x [batch, d_in] → x̂ [batch, d_in]</c>: the reconstruction.</summary>
    public override Tensor forward(Tensor x) => Decode(Encode(x));
}
