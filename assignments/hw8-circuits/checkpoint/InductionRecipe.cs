using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw8.Circuits.Checkpoint;

/// <summary>
/// Everything that decides the trained weights of hw8's model: its sizes, the data (<see cref="RepeatedTokens.Periodic"/>),
/// the seeds and the optimiser. The attention biases stay zero (they are not trained), so the model's attention scores are
/// exactly the products of its weight matrices that the homework reads circuits from. On the CPU with one thread the same
/// recipe, TorchSharp and libtorch give the same bytes on every run. The README beside this file says why these numbers.
/// </summary>
public sealed record InductionRecipe(
    long d_vocab = 64,
    long d_model = 64,
    long n_heads = 4,
    long d_head = 16,
    long n_ctx = 32,
    long min_period = 4,
    long max_period = 16,
    long batch_size = 32,
    int steps = 800,
    double lr = 1e-2,
    long init_seed = 0,
    ulong data_seed = 1)
{
    public HookedTransformerConfig Config =>
        new(d_model: d_model, n_layers: 2, n_heads: n_heads, d_head: d_head, d_mlp: 0, d_vocab: d_vocab, n_ctx: n_ctx, attn_only: true);

    /// <summary>Trains the model of this recipe on the CPU with one thread: Adam on next-token cross-entropy over every position.</summary>
    public InductionRun Run()
    {
        set_num_threads(1);
        set_default_dtype(ScalarType.Float32);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        manual_seed(init_seed);
        var model = new HookedAttnOnlyTransformer(Config);
        foreach (var (name, parameter) in model.named_parameters())
            if (IsBias(name)) parameter.requires_grad_(false);
        using var optimizer = optim.Adam(model.named_parameters().Where(p => !IsBias(p.name)).Select(p => p.parameter), lr);
        var data = new Generator(data_seed);
        var losses = new List<double>(steps);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var tokens = RepeatedTokens.Periodic(batch_size, n_ctx, d_vocab, min_period, max_period, data); // [batch, n_ctx]
            var logits = model.call(tokens); // [batch, n_ctx, d_vocab]
            var loss = nn.functional.cross_entropy(logits[.., ..^1].reshape(-1, d_vocab), tokens[.., 1..].reshape(-1));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        model.eval();
        return new InductionRun(this, model, losses, clock.Elapsed);
    }

    static bool IsBias(string name) => name.Contains(".b_", StringComparison.Ordinal);
}

/// <summary>The outcome of <see cref="InductionRecipe.Run"/>.</summary>
public sealed record InductionRun(InductionRecipe Recipe, HookedAttnOnlyTransformer Model, IReadOnlyList<double> Losses, TimeSpan Elapsed);
