using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hw3.Attention.HiddenTests;

/// <summary>
/// The handout's attention written out by the tests with plain torch ops, in float64 on the CPU, from the weights the test
/// drew itself: the values a property test (causality, a detached pattern, an input left as it was) checks the same call
/// against. A property alone is kept by outputs that ignore attention (x times a constant is causal), so each such test also
/// needs the values it is a property of, computed without the student's code.
/// The weights are the test's own, drawn by <see cref="Draw(AttentionHead, long, long, Seeded)"/> and its overloads: the
/// constructor is the student's, and weights it made zero turn attention into a formula of the biases alone (every score of
/// a query equal, so a uniform pattern) that a forward pass can return without computing any attention (red team 16, a02).
/// Each Draw returns what it drew and the tests compute only from that, never from a second read of the module's fields:
/// a field is the student's too, and a property that gives the written parameter on its first read and zeros on later ones
/// made the values the tests expected those of all-zero weights (red team 17C, c01).
/// </summary>
static class AttentionByHand
{
    /// <summary>The scale of the drawn weights: the init_range the tests used, large enough that every pattern is far from uniform.</summary>
    const double Scale = 0.3;

    /// <summary>A head's or a layer's weights as the test drew them: float64 on the CPU. A head has one head and zero biases.</summary>
    public sealed record Weights(Tensor W_Q, Tensor W_K, Tensor W_V, Tensor W_O, Tensor b_Q, Tensor b_K, Tensor b_V, Tensor b_O);

    /// <summary>A transformer's weights as the test drew them: float64 on the CPU.</summary>
    public sealed record ModelWeights(Tensor W_E, Tensor W_pos, Weights[] Blocks, Tensor W_U);

    /// <summary>
    /// Overwrites every weight of <paramref name="head"/> with normal values times 0.3 drawn from <paramref name="seeded"/> on the
    /// CPU, through <see cref="TestWeights.Write(IEnumerable{ValueTuple{string, Tensor, Tensor}})"/> (shapes from
    /// <paramref name="d_model"/> and <paramref name="d_head"/>, float32, each read back), and returns the draws as the weights of
    /// a layer of one head with zero biases, the values every expected value of the test is computed from.
    /// </summary>
    public static Weights Draw(AttentionHead head, long d_model, long d_head, Seeded seeded)
    {
        Tensor W_Q = Drawn([d_model, d_head], seeded), W_K = Drawn([d_model, d_head], seeded), W_V = Drawn([d_model, d_head], seeded),
            W_O = Drawn([d_head, d_model], seeded);
        TestWeights.Write(
        [
            ("AttentionHead.W_Q", head.W_Q, W_Q),
            ("AttentionHead.W_K", head.W_K, W_K),
            ("AttentionHead.W_V", head.W_V, W_V),
            ("AttentionHead.W_O", head.W_O, W_O),
        ]);
        return new(Float64(W_Q).unsqueeze(0), Float64(W_K).unsqueeze(0), Float64(W_V).unsqueeze(0), Float64(W_O).unsqueeze(0),
            zeros(1, d_head, ScalarType.Float64), zeros(1, d_head, ScalarType.Float64), zeros(1, d_head, ScalarType.Float64),
            zeros(d_model, ScalarType.Float64));
    }

    /// <summary>Overwrites every weight and bias of <paramref name="attention"/>, as <see cref="Draw(AttentionHead, long, long, Seeded)"/> does, with the shapes of <paramref name="cfg"/>, and returns the draws.</summary>
    public static Weights Draw(MultiHeadAttention attention, AttentionConfig cfg, Seeded seeded)
    {
        var weights = DrawLayer(cfg, seeded);
        Write(attention, weights);
        return weights;
    }

    /// <summary>Overwrites every weight of <paramref name="model"/> (embeddings, each of its n_layers blocks, W_U), as above, with the shapes of <paramref name="cfg"/>, and returns the draws.</summary>
    public static ModelWeights Draw(AttentionOnlyTransformer model, AttentionConfig cfg, Seeded seeded)
    {
        var weights = DrawModel(cfg, seeded);
        Write(model, weights);
        return weights;
    }

    /// <summary>A layer's weights and biases drawn as <see cref="Draw(MultiHeadAttention, AttentionConfig, Seeded)"/> draws them, written nowhere.</summary>
    public static Weights DrawLayer(AttentionConfig cfg, Seeded seeded) => new(
        Float64(Drawn([cfg.n_heads, cfg.d_model, cfg.d_head], seeded)), Float64(Drawn([cfg.n_heads, cfg.d_model, cfg.d_head], seeded)),
        Float64(Drawn([cfg.n_heads, cfg.d_model, cfg.d_head], seeded)), Float64(Drawn([cfg.n_heads, cfg.d_head, cfg.d_model], seeded)),
        Float64(Drawn([cfg.n_heads, cfg.d_head], seeded)), Float64(Drawn([cfg.n_heads, cfg.d_head], seeded)),
        Float64(Drawn([cfg.n_heads, cfg.d_head], seeded)), Float64(Drawn([cfg.d_model], seeded)));

    /// <summary>A transformer's weights drawn as <see cref="Draw(AttentionOnlyTransformer, AttentionConfig, Seeded)"/> draws them, written nowhere.</summary>
    public static ModelWeights DrawModel(AttentionConfig cfg, Seeded seeded)
    {
        var W_E = Float64(Drawn([cfg.d_vocab, cfg.d_model], seeded));
        var W_pos = Float64(Drawn([cfg.n_ctx, cfg.d_model], seeded));
        var blocks = Enumerable.Range(0, (int)cfg.n_layers).Select(_ => DrawLayer(cfg, seeded)).ToArray();
        return new(W_E, W_pos, blocks, Float64(Drawn([cfg.d_model, cfg.d_vocab], seeded)));
    }

    /// <summary>
    /// Writes <paramref name="weights"/> (values of float32 draws, such as <see cref="DrawLayer"/>'s or those of a head from
    /// <see cref="Draw(AttentionHead, long, long, Seeded)"/>, which fit a layer of one head) into every weight and bias of
    /// <paramref name="attention"/> as float32, through <see cref="TestWeights.Write(IEnumerable{ValueTuple{string, Tensor, Tensor}})"/>.
    /// </summary>
    public static void Write(MultiHeadAttention attention, Weights weights) => TestWeights.Write(Entries(attention, weights, "MultiHeadAttention"));

    /// <summary>Writes <paramref name="weights"/> into every weight of <paramref name="model"/>, as <see cref="Write(MultiHeadAttention, Weights)"/> does.</summary>
    public static void Write(AttentionOnlyTransformer model, ModelWeights weights)
    {
        Assert.That(model.blocks.Count, Is.EqualTo(weights.Blocks.Length),
            $"AttentionOnlyTransformer.blocks has {model.blocks.Count} blocks for n_layers = {weights.Blocks.Length}: make one MultiHeadAttention per layer");
        List<(string, Tensor?, Tensor)> entries =
        [
            ("AttentionOnlyTransformer.W_E", model.W_E, Float32(weights.W_E)),
            ("AttentionOnlyTransformer.pos_embed.W_pos", model.pos_embed.W_pos, Float32(weights.W_pos)),
        ];
        for (int i = 0; i < weights.Blocks.Length; i++)
            entries.AddRange(Entries(model.blocks[i], weights.Blocks[i], $"AttentionOnlyTransformer.blocks.{i}"));
        entries.Add(("AttentionOnlyTransformer.W_U", model.W_U, Float32(weights.W_U)));
        TestWeights.Write(entries);
    }

    /// <summary>Each weight of <paramref name="attention"/>, read once, with the value to write into it.</summary>
    static IEnumerable<(string, Tensor?, Tensor)> Entries(MultiHeadAttention attention, Weights weights, string name) =>
    [
        ($"{name}.W_Q", attention.W_Q, Float32(weights.W_Q)),
        ($"{name}.W_K", attention.W_K, Float32(weights.W_K)),
        ($"{name}.W_V", attention.W_V, Float32(weights.W_V)),
        ($"{name}.W_O", attention.W_O, Float32(weights.W_O)),
        ($"{name}.b_Q", attention.b_Q, Float32(weights.b_Q)),
        ($"{name}.b_K", attention.b_K, Float32(weights.b_K)),
        ($"{name}.b_V", attention.b_V, Float32(weights.b_V)),
        ($"{name}.b_O", attention.b_O, Float32(weights.b_O)),
    ];

    /// <summary>Normal values times <see cref="Scale"/>, float32 on the CPU.</summary>
    static Tensor Drawn(long[] shape, Seeded seeded) => seeded.RandnCpu(shape) * Scale;

    /// <summary>A float32 draw as float64, exactly: the dtype the test computes in.</summary>
    static Tensor Float64(Tensor t) => t.to_type(ScalarType.Float64);

    /// <summary>A float64 value of a float32 draw back as float32, exactly again: the dtype the constructor gives a weight.</summary>
    static Tensor Float32(Tensor t) => t.to_type(ScalarType.Float32);

    /// <summary>An input, copied: float64 on the CPU.</summary>
    static Tensor Copy(Tensor t) => t.detach().cpu().to_type(ScalarType.Float64).clone();

    /// <summary>
    /// Causal attention of <paramref name="x"/> <c>[batch, pos, d_model]</c> through every head of <paramref name="w"/>: the output
    /// <c>[batch, pos, d_model]</c> (the heads' (pattern v) W_O summed, plus b_O) and the pattern <c>[batch, head, q_pos, k_pos]</c>,
    /// both in x's dtype on x's device.
    /// </summary>
    public static (Tensor Output, Tensor Pattern) Attend(Weights w, Tensor x)
    {
        var (output, pattern) = AttendInFloat64(w, Copy(x));
        return (output.to(x.dtype).to(x.device), pattern.to(x.dtype).to(x.device));
    }

    /// <summary>
    /// The gradient of the sum of squares of <see cref="Attend"/>'s output with respect to <paramref name="x"/>
    /// <c>[batch, pos, d_model]</c>, by autograd through the attention written out here in float64: through q, k and v alike.
    /// In x's dtype on x's device; <paramref name="x"/> itself is only read.
    /// </summary>
    public static Tensor InputGradient(Weights w, Tensor x)
    {
        var x64 = Copy(x).requires_grad_(); // [batch, pos, d_model]
        var (output, _) = AttendInFloat64(w, x64);
        output.pow(2).sum().backward();
        return x64.grad!.detach().to(x.dtype).to(x.device); // [batch, pos, d_model]
    }

    /// <summary>The output <c>[batch, pos, d_model]</c> and pattern <c>[batch, head, q_pos, k_pos]</c> of <paramref name="x64"/>, float64 on the CPU.</summary>
    static (Tensor Output, Tensor Pattern) AttendInFloat64(Weights w, Tensor x64)
    {
        long pos = x64.shape[1], heads = w.W_Q.shape[0];
        var future = ones(pos, pos, ScalarType.Bool).triu(1); // [q_pos, k_pos], true where key_pos > query_pos
        var output = w.b_O.expand(x64.shape[0], pos, -1); // [batch, pos, d_model]
        var patterns = new List<Tensor>();
        for (long h = 0; h < heads; h++)
        {
            var q = x64.matmul(w.W_Q[h]) + w.b_Q[h]; // [batch, pos, d_head]
            var k = x64.matmul(w.W_K[h]) + w.b_K[h]; // [batch, pos, d_head]
            var v = x64.matmul(w.W_V[h]) + w.b_V[h]; // [batch, pos, d_head]
            var scores = q.matmul(k.transpose(1, 2)) / Math.Sqrt(q.shape[2]); // [batch, q_pos, k_pos]
            var pattern = scores.masked_fill(future, double.NegativeInfinity).softmax(-1); // [batch, q_pos, k_pos]
            patterns.Add(pattern);
            output = output + pattern.matmul(v).matmul(w.W_O[h]); // [batch, pos, d_model]
        }
        return (output, stack(patterns, 1));
    }

    /// <summary>
    /// The logits <c>[batch, pos, d_vocab]</c> of <paramref name="tokens"/> <c>[batch, pos]</c>, and the gradient of their sum of squares
    /// with respect to every weight of <paramref name="w"/>, by autograd through the forward pass written out here in float64 (each
    /// block's attention added to the residual it read, neither term cut), keyed by the transformer's parameter names
    /// (<c>W_E</c>, <c>pos_embed.W_pos</c>, <c>blocks.0.W_Q</c>, ..., <c>W_U</c>). All float64 on the CPU; <paramref name="w"/> is only read.
    /// </summary>
    public static (Tensor Logits, Dictionary<string, Tensor> Gradients) LogitsAndGradients(ModelWeights w, Tensor tokens)
    {
        static Tensor Leaf(Tensor t) => t.clone().requires_grad_();
        var ids = tokens.cpu();
        Tensor W_E = Leaf(w.W_E), W_pos = Leaf(w.W_pos), W_U = Leaf(w.W_U);
        var blocks = w.Blocks.Select(b => new Weights(Leaf(b.W_Q), Leaf(b.W_K), Leaf(b.W_V), Leaf(b.W_O), Leaf(b.b_Q), Leaf(b.b_K), Leaf(b.b_V), Leaf(b.b_O))).ToArray();
        var residual = W_E[ids] + W_pos[..(int)ids.shape[1]]; // [batch, pos, d_model]
        foreach (var block in blocks)
            residual = residual + AttendInFloat64(block, residual).Output; // [batch, pos, d_model]
        var logits = residual.matmul(W_U); // [batch, pos, d_vocab]
        logits.pow(2).sum().backward();

        var leaves = new List<(string Name, Tensor Leaf)> { ("W_E", W_E), ("pos_embed.W_pos", W_pos), ("W_U", W_U) };
        for (int i = 0; i < blocks.Length; i++)
        {
            var b = blocks[i];
            leaves.AddRange([($"blocks.{i}.W_Q", b.W_Q), ($"blocks.{i}.W_K", b.W_K), ($"blocks.{i}.W_V", b.W_V), ($"blocks.{i}.W_O", b.W_O),
                ($"blocks.{i}.b_Q", b.b_Q), ($"blocks.{i}.b_K", b.b_K), ($"blocks.{i}.b_V", b.b_V), ($"blocks.{i}.b_O", b.b_O)]);
        }
        return (logits.detach(), leaves.ToDictionary(l => l.Name, l => l.Leaf.grad!.detach()));
    }

    /// <summary>The logits <c>[batch, pos, d_vocab]</c> of <paramref name="tokens"/> <c>[batch, pos]</c>, float32 on the tokens' device.</summary>
    public static Tensor Logits(ModelWeights w, Tensor tokens)
    {
        var ids = tokens.cpu();
        var residual = w.W_E[ids] + w.W_pos[..(int)ids.shape[1]]; // [batch, pos, d_model]
        foreach (var block in w.Blocks)
        {
            var (output, _) = Attend(block, residual);
            residual = residual + output; // [batch, pos, d_model]
        }
        return residual.matmul(w.W_U).to(ScalarType.Float32).to(tokens.device); // [batch, pos, d_vocab]
    }
}
