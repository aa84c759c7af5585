using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw6.Patching.Plots;

/// <summary>
/// One kind of minimal pair and what the pictures read from it, each computed once, when a picture first asks, by YOUR
/// code: 16 pairs of the commonest length (YOUR <see cref="MinimalPairs.Of"/> of sampled prompts, then the given
/// <see cref="PairBatch.OfCommonestLength"/>), YOUR <see cref="PatchingMetric"/> on them, and YOUR grids.
/// </summary>
sealed class PairData
{
    const int BatchSize = 16;

    readonly Lazy<PairBatch> batch;
    readonly Lazy<PatchingMetric> metric;
    readonly Lazy<Tensor> residual, headOutputs;

    /// <param name="name">How the titles name these pairs, e.g. "no-clause".</param>
    public PairData(HookedTransformer model, CharVocabulary vocabulary, string name, Clause clause, ulong seed)
    {
        (Model, Vocabulary, Name, Clause, Seed) = (model, vocabulary, name, clause, seed);
        batch = new(() => PairBatch.OfCommonestLength(MinimalPairs.Of(AgreementPrompts.Sample(200, seed, clause)), BatchSize, vocabulary));
        metric = new(() => PatchingMetric.Measure(model, Batch, vocabulary));
        residual = new(() => ResidualPatching.Grid(model, Metric));
        headOutputs = new(() => HeadPatching.Outputs(model, Metric));
    }

    public HookedTransformer Model { get; }
    public CharVocabulary Vocabulary { get; }
    public string Name { get; }
    public Clause Clause { get; }
    public ulong Seed { get; }

    public PairBatch Batch => batch.Value;
    public PatchingMetric Metric => metric.Value;

    /// <summary>YOUR <see cref="ResidualPatching.Grid"/>: <c>[n_layers, pos]</c>.</summary>
    public Tensor Residual => residual.Value;

    /// <summary>YOUR <see cref="HeadPatching.Outputs"/>: <c>[n_layers, n_heads]</c>.</summary>
    public Tensor HeadOutputs => headOutputs.Value;

    /// <summary>
    /// The clean prompts of other pairs of the same kind (another seed, none of <see cref="Batch"/>'s texts), as tokens
    /// <c>[batch, pos]</c>: the reference dataset that mean ablation averages over.
    /// </summary>
    public Tensor ReferenceTokens()
    {
        var measured = Batch.Pairs.Select(p => p.Clean).ToHashSet(StringComparer.Ordinal);
        int count = Clause == Clause.None ? 300 : 600; // the grammar has 384 distinct prompts without a clause
        var others = MinimalPairs.Of(AgreementPrompts.Sample(count, Seed + 1000, Clause)).Where(p => !measured.Contains(p.Clean));
        return PairBatch.OfCommonestLength(others, 2 * BatchSize, Vocabulary).Clean;
    }

    /// <summary>"this dog sleep": the first clean prompt, whose characters label the position axis.</summary>
    public string FirstClean => Batch.Pairs[0].Clean;

    /// <summary>The position axis's tick labels: the first clean prompt's characters, a space shown as "_".</summary>
    public string[] PositionLabels => [.. FirstClean.Select(c => c == ' ' ? "_" : c.ToString())];

    /// <summary>"16 no-clause pairs of 14 characters".</summary>
    public string Describe() => $"{Batch.Pairs.Count} {Name} pairs of {Batch.Length} characters";

    /// <summary>The position axis's label: which prompt the characters come from, and its corrupted twin.</summary>
    public string PositionAxisLabel() =>
        $"position = character slot (ticks: clean '{FirstClean}'; its corrupted twin '{Batch.Pairs[0].Corrupted}')";

    /// <summary>"L0H0", "L0H1", ...: one label per head, layer by layer.</summary>
    public static string[] HeadLabels(long layers, long heads) =>
        [.. Enumerable.Range(0, (int)(layers * heads)).Select(i => $"L{i / heads}H{i % heads}")];
}
