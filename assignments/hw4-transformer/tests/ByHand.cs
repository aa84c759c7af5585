using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.HiddenTests;

/// <summary>
/// The forward pass of a pre-LN transformer written with plain torch ops, in float64, from the parameters the test drew
/// itself: the value a property test checks along with its property.
/// Those parameters are drawn by <see cref="Draw(Transformer, Config, Seeded, double)"/> and its overloads: the constructor
/// is the student's, and weights it made zero turn the forward pass into a formula of the biases alone (a LayerNorm with
/// w = 0 gives b, an MLP or attention with W_out = 0 or W_O = 0 gives its output bias, logits with W_U = 0 give b_U) that a
/// forward pass can return without computing any of it (red team 16, a02, in hw3).
/// Each Draw returns what it drew, and the tests compute only from that, never from a second read of the module's
/// parameters: <c>named_parameters()</c> is the student's too (a module can override it), and a read that gives the written
/// parameters once and zeros after made hw3's expected values those of all-zero weights (red team 17C, c01).
/// </summary>
static class ByHand
{
    public const double Eps = 1e-5; // Config.layer_norm_eps's default, which every config of these tests keeps

    /// <summary>
    /// Overwrites every parameter of <paramref name="model"/> (TransformerLens names) with normal values times
    /// <paramref name="scale"/> drawn from <paramref name="seeded"/> on the CPU (plus 1 for each LayerNorm's w), after checking
    /// its shape against <paramref name="cfg"/>, and returns the draws by name, float64 on the CPU: what the test computes from.
    /// </summary>
    public static Dictionary<string, Tensor> Draw(Transformer model, Config cfg, Seeded seeded, double scale = 0.3) =>
        Draw(model, cfg, seeded, out _, scale);

    /// <summary>
    /// Draws as <see cref="Draw(Transformer, Config, Seeded, double)"/> does, and gives the parameters written, by name, as the
    /// one read of <c>named_parameters()</c> gave them: what a loop the test runs itself (an optimiser's) must update.
    /// </summary>
    public static Dictionary<string, Tensor> Draw(Transformer model, Config cfg, Seeded seeded, out Dictionary<string, TorchSharp.Modules.Parameter> written,
        double scale = 0.3) =>
        Draw(model, "Transformer", TransformerShapes(cfg), seeded, scale, out written);

    /// <summary>Overwrites every parameter of <paramref name="block"/> (ln1, attn, ln2, mlp), as <see cref="Draw(Transformer, Config, Seeded, double)"/> does, and returns the draws.</summary>
    public static Dictionary<string, Tensor> Draw(TransformerBlock block, Config cfg, Seeded seeded, double scale = 0.3) =>
        Draw(block, "TransformerBlock", BlockShapes(cfg, ""), seeded, scale, out _);

    /// <summary>Overwrites W_in, b_in, W_out and b_out of <paramref name="mlp"/>, as <see cref="Draw(Transformer, Config, Seeded, double)"/> does, and returns the draws.</summary>
    public static Dictionary<string, Tensor> Draw(Mlp mlp, Config cfg, Seeded seeded, double scale = 0.3) =>
        Draw(mlp, "Mlp", MlpShapes(cfg, ""), seeded, scale, out _);

    /// <summary>Overwrites w and b of <paramref name="layerNorm"/>, as <see cref="Draw(Transformer, Config, Seeded, double)"/> does, and returns the draws.</summary>
    public static Dictionary<string, Tensor> Draw(LayerNorm layerNorm, Config cfg, Seeded seeded, double scale = 0.3) =>
        Draw(layerNorm, "LayerNorm", LayerNormShapes(cfg, ""), seeded, scale, out _);

    static Dictionary<string, Tensor> Draw(nn.Module module, string what, IEnumerable<(string Name, long[] Shape)> shapes, Seeded seeded, double scale,
        out Dictionary<string, TorchSharp.Modules.Parameter> written)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var weights = new List<(string, Tensor?, Tensor)>();
        var drawn = new Dictionary<string, Tensor>();
        written = [];
        foreach (var (name, shape) in shapes)
        {
            if (!parameters.TryGetValue(name, out var parameter))
                Assert.Fail($"{what} has no parameter {name} [{string.Join(", ", shape)}]: keep the fields, names and shapes of the parameters you were given " +
                    "(the test sets every weight it computes from itself)");
            // A LayerNorm's w about 1, as it starts and as training keeps it, so that the drawn model is one in the regime the
            // tests mean (its gradients as large as training sees); every other parameter about 0.
            var value = seeded.RandnCpu(shape) * scale;
            if (IsLayerNormScale(name)) value += 1;
            weights.Add(($"{what}'s parameter {name}", parameter, value));
            drawn[name] = value.to_type(ScalarType.Float64); // exactly the float32 draw
            written[name] = parameter!;
        }
        TestWeights.Write(weights);
        return drawn;
    }

    static bool IsLayerNormScale(string name) => name == "w" || name.EndsWith("ln1.w", StringComparison.Ordinal) || name.EndsWith("ln2.w", StringComparison.Ordinal) ||
        name == "ln_final.w";

    static IEnumerable<(string, long[])> LayerNormShapes(Config cfg, string prefix) => [(prefix + "w", [cfg.d_model]), (prefix + "b", [cfg.d_model])];

    static IEnumerable<(string, long[])> MlpShapes(Config cfg, string prefix) =>
        [(prefix + "W_in", [cfg.d_model, cfg.d_mlp]), (prefix + "b_in", [cfg.d_mlp]), (prefix + "W_out", [cfg.d_mlp, cfg.d_model]), (prefix + "b_out", [cfg.d_model])];

    static IEnumerable<(string, long[])> AttentionShapes(Config cfg, string prefix) =>
    [
        (prefix + "W_Q", [cfg.n_heads, cfg.d_model, cfg.d_head]), (prefix + "W_K", [cfg.n_heads, cfg.d_model, cfg.d_head]),
        (prefix + "W_V", [cfg.n_heads, cfg.d_model, cfg.d_head]), (prefix + "W_O", [cfg.n_heads, cfg.d_head, cfg.d_model]),
        (prefix + "b_Q", [cfg.n_heads, cfg.d_head]), (prefix + "b_K", [cfg.n_heads, cfg.d_head]), (prefix + "b_V", [cfg.n_heads, cfg.d_head]),
        (prefix + "b_O", [cfg.d_model]),
    ];

    static IEnumerable<(string, long[])> BlockShapes(Config cfg, string prefix) =>
        LayerNormShapes(cfg, prefix + "ln1.").Concat(AttentionShapes(cfg, prefix + "attn.")).Concat(LayerNormShapes(cfg, prefix + "ln2."))
            .Concat(MlpShapes(cfg, prefix + "mlp."));

    static IEnumerable<(string, long[])> TransformerShapes(Config cfg) =>
        new (string, long[])[] { ("embed.W_E", [cfg.d_vocab, cfg.d_model]), ("pos_embed.W_pos", [cfg.n_ctx, cfg.d_model]) }
            .Concat(Enumerable.Range(0, (int)cfg.n_layers).SelectMany(i => BlockShapes(cfg, $"blocks.{i}.")))
            .Concat(LayerNormShapes(cfg, "ln_final.")).Concat([("unembed.W_U", [cfg.d_model, cfg.d_vocab]), ("unembed.b_U", [cfg.d_vocab])]);

    /// <summary>
    /// Float64 copies of <paramref name="module"/>'s parameters as it holds them now, by name, from one read of
    /// <c>named_parameters()</c>: the student's answer (weights the student's own constructor or training made), never the
    /// truth for weights the test drew, which is what <see cref="Draw(Transformer, Config, Seeded, double)"/> returned.
    /// </summary>
    public static Dictionary<string, Tensor> ParametersOf(nn.Module module)
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

    /// <summary>The logits [batch, pos, d_vocab] of a Transformer with parameters <paramref name="p"/> on tokens [batch, pos], as float32 on the tokens' device.</summary>
    public static Tensor Logits(Dictionary<string, Tensor> p, Tensor tokens)
    {
        using var noGrad = no_grad();
        return Logits64(p, tokens).to(ScalarType.Float32);
    }

    /// <summary>
    /// The same logits in float64 on the tokens' device (computed on the device of <paramref name="p"/>), in the autograd graph
    /// of the tensors of <paramref name="p"/> that require a gradient: its backward pass is the gradient of the forward pass by
    /// definition, which a model's own backward pass is checked against.
    /// </summary>
    public static Tensor Logits64(Dictionary<string, Tensor> p, Tensor tokens)
    {
        long batch = tokens.shape[0], pos = tokens.shape[1];
        var ids = tokens.reshape(-1).to(p["embed.W_E"].device);
        var x = p["embed.W_E"].index_select(0, ids).reshape(batch, pos, -1) + p["pos_embed.W_pos"][..(int)pos];
        for (int i = 0; p.ContainsKey($"blocks.{i}.ln1.w"); i++) x = Block(x, p, $"blocks.{i}.");
        return (LayerNorm(x, p, "ln_final.").matmul(p["unembed.W_U"]) + p["unembed.b_U"]).to(tokens.device); // [batch, pos, d_vocab] float64
    }

    /// <summary>The mean cross-entropy of the logits at positions 0..pos-2 predicting the tokens at 1..pos-1, as float32.</summary>
    public static Tensor Loss(Tensor logits, Tensor tokens) =>
        nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, logits.shape[^1]).to(ScalarType.Float64), tokens[.., 1..].reshape(-1)).to(ScalarType.Float32);
}
