using static TorchSharp.torch;

namespace Hw7.Sae;

/// <summary>
/// Counts how often each latent fires (<c>z &gt; 0</c>) over a window of batches. A latent that never fired in the
/// window is dead: it gets no gradient through its ReLU, so it will not come back by itself (Bricken et al. 2023).
/// </summary>
public sealed class DeadLatents
{
    public DeadLatents(long d_sae, Device? device = null)
    {
        Counts = zeros(d_sae, ScalarType.Int64, device ?? CPU);
    }

    /// <summary><c>[d_sae]</c> int64: in how many inputs of the window each latent fired.</summary>
    public Tensor Counts { get; }

    /// <summary>Batches recorded since the last <see cref="Reset"/>.</summary>
    public long Batches { get; private set; }

    /// <summary>Inputs recorded since the last <see cref="Reset"/>.</summary>
    public long Inputs { get; private set; }

    /// <summary>Adds one batch of activations <c>z [batch, d_sae]</c> to the counts.</summary>
    public void Record(Tensor z)
    {
        Batches++;
        Inputs += z.shape[0];
        using var noGrad = no_grad();
        Counts.add_((z > 0).sum([0], type: ScalarType.Int64).to(Counts.device));
    }

    /// <summary><c>[d_sae]</c> bool: the latents that never fired since the last <see cref="Reset"/>.</summary>
    public Tensor Dead()
    {
        return Counts.eq(0);
    }

    /// <summary>Starts a new window.</summary>
    public void Reset()
    {
        Counts.zero_();
        (Batches, Inputs) = (0, 0);
    }
}
