using Course.Lens;
using TorchSharp;

namespace Hw6.Patching.Tests;

/// <summary>Minimal pairs the tests use, written out so that a test of patching does not depend on your <see cref="MinimalPairs"/>.</summary>
static class Pairs
{
    // No clause: the verb follows its subject.
    public static readonly MinimalPair[] Short =
    [
        new("this dog sleep", "the dogs sleep", false),
        new("many dogs sing", "every dog sing", true),
        new("this bird wait", "the birds wait", false),
        new("many birds run", "every bird run", true),
        new("every fox like", "the foxes like", false),
        new("some dogs like", "every dog like", true),
        new("every dog wait", "some dogs wait", false),
        new("the cats chase", "this cat chase", true),
    ];

    // Object relative clauses: an attractor noun, of either number, stands between subject and verb.
    public static readonly MinimalPair[] Long =
    [
        new("every dog that many dogs chase like", "some dogs that many dogs chase like", false),
        new("some birds that the dog follows run", "every bird that the dog follows run", true),
        new("this cat that some birds chase sing", "the cats that some birds chase sing", false),
        new("the dogs that these birds like wait", "this dog that these birds like wait", true),
        new("this dog that the dog follows chase", "the dogs that the dog follows chase", false),
        new("some birds that these cats see sing", "every bird that these cats see sing", true),
        new("every dog that every fox likes sing", "some dogs that every fox likes sing", false),
        new("some cats that every child sees see", "every cat that every child sees see", true),
    ];

    /// <summary>The tiny GPT on <paramref name="device"/>, a batch of <paramref name="pairs"/> and its metric (the tests' usual start).</summary>
    public static (HookedTransformer Model, CharVocabulary Vocabulary, PairBatch Batch, PatchingMetric Metric) OnCheckpoint(MinimalPair[] pairs, torch.Device device)
    {
        var (model, vocabulary, _) = TinyGpt.Load(device);
        var batch = PairBatch.Of(pairs, vocabulary);
        return (model, vocabulary, batch, PatchingMetric.Measure(model, batch, vocabulary));
    }
}

/// <summary>
/// Whether your code runs <paramref name="model"/> without gradients: every parameter is made to require grad, as while the
/// model is trained, so an activation of a run with gradients on requires grad; then, until disposed, the requires_grad of
/// blocks.1.hook_resid_post is recorded in every run (<see cref="Seen"/>). A run under no_grad records false.
/// </summary>
sealed class GradientWatch : IDisposable
{
    const string HookName = "blocks.1.hook_resid_post";

    readonly IDisposable hook;

    public GradientWatch(HookedTransformer model)
    {
        foreach (var parameter in model.parameters()) parameter.requires_grad_(true);
        hook = model.Hook(HookName).AddHook((activation, _) => { Seen.Add(activation.requires_grad); return null; });
    }

    /// <summary>requires_grad of blocks.1.hook_resid_post, once per run of the model.</summary>
    public List<bool> Seen { get; } = [];

    public void Dispose() => hook.Dispose();
}
