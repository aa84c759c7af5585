using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

/// <summary>
/// The forward pass of a pre-LN transformer written with plain torch ops, in float64, on copies of a module's parameters
/// taken by <see cref="Copy"/> before any call to homework code: the value a property test checks along with its property.
/// </summary>
static class ByHand
{
    public const double Eps = 1e-5; // Config.layer_norm_eps's default, which every config of these tests keeps

    /// <summary>Float64 copies of <paramref name="module"/>'s parameters, by name.</summary>
    public static Dictionary<string, Tensor> Copy(nn.Module module)
    {
        using var noGrad = no_grad();
        return module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(ScalarType.Float64).clone());
    }

    public static Tensor LayerNorm(Tensor x, Dictionary<string, Tensor> p, string prefix)
    {
        var centred = x - x.mean([-1], keepdim: true);
        var variance = centred.pow(2).mean([-1], keepdim: true); // biased
        return centred / (variance + Eps).sqrt() * p[prefix + "w"] + p[prefix + "b"];
    }

    public static Tensor Mlp(Tensor x, Dictionary<string, Tensor> p, string prefix) =>
        nn.functional.gelu(x.matmul(p[prefix + "W_in"]) + p[prefix + "b_in"]).matmul(p[prefix + "W_out"]) + p[prefix + "b_out"];

    /// <summary>Scores [..., q_pos, k_pos] with the future (k_pos > q_pos) set to -inf.</summary>
    public static Tensor Masked(Tensor scores)
    {
        long n = scores.shape[^1];
        var future = ones(n, n, ScalarType.Bool, scores.device).triu(1);
        return scores.masked_fill(future, double.NegativeInfinity);
    }

    public static Tensor Attention(Tensor x, Dictionary<string, Tensor> p, string prefix)
    {
        var q = einsum("bpm,hmd->bhpd", x, p[prefix + "W_Q"]) + p[prefix + "b_Q"].unsqueeze(1); // [batch, head, pos, d_head]
        var k = einsum("bpm,hmd->bhpd", x, p[prefix + "W_K"]) + p[prefix + "b_K"].unsqueeze(1);
        var v = einsum("bpm,hmd->bhpd", x, p[prefix + "W_V"]) + p[prefix + "b_V"].unsqueeze(1);
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(q.shape[^1]); // [batch, head, q_pos, k_pos]
        var z = Masked(scores).softmax(-1).matmul(v); // [batch, head, q_pos, d_head]
        return einsum("bhpd,hdm->bpm", z, p[prefix + "W_O"]) + p[prefix + "b_O"];
    }

    public static Tensor Block(Tensor x, Dictionary<string, Tensor> p, string prefix)
    {
        var mid = x + Attention(LayerNorm(x, p, prefix + "ln1."), p, prefix + "attn.");
        return mid + Mlp(LayerNorm(mid, p, prefix + "ln2."), p, prefix + "mlp.");
    }

    /// <summary>The logits [batch, pos, d_vocab] of a Transformer with parameters <paramref name="p"/> on tokens [batch, pos], as float32.</summary>
    public static Tensor Logits(Dictionary<string, Tensor> p, Tensor tokens)
    {
        using var noGrad = no_grad();
        return Logits64(p, tokens).to(ScalarType.Float32);
    }

    /// <summary>
    /// The same logits in float64, in the autograd graph of the tensors of <paramref name="p"/> that require a gradient: its
    /// backward pass is the gradient of the forward pass by definition, which a model's own backward pass is checked against.
    /// </summary>
    public static Tensor Logits64(Dictionary<string, Tensor> p, Tensor tokens)
    {
        long batch = tokens.shape[0], pos = tokens.shape[1];
        var ids = tokens.reshape(-1).to(p["embed.W_E"].device);
        var x = p["embed.W_E"].index_select(0, ids).reshape(batch, pos, -1) + p["pos_embed.W_pos"][..(int)pos];
        for (int i = 0; p.ContainsKey($"blocks.{i}.ln1.w"); i++) x = Block(x, p, $"blocks.{i}.");
        return LayerNorm(x, p, "ln_final.").matmul(p["unembed.W_U"]) + p["unembed.b_U"]; // [batch, pos, d_vocab] float64
    }

    /// <summary>The mean cross-entropy of the logits at positions 0..pos-2 predicting the tokens at 1..pos-1, as float32.</summary>
    public static Tensor Loss(Tensor logits, Tensor tokens) =>
        nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, logits.shape[^1]).to(ScalarType.Float64), tokens[.., 1..].reshape(-1)).to(ScalarType.Float32);
}
