using Course.Lens;
using TorchSharp;

namespace Hw6.Patching.HiddenTests;

/// <summary>The hidden tests' minimal pairs, written out so that they do not depend on the student's <see cref="MinimalPairs"/>.</summary>
static class HiddenPairs
{
    // No clause.
    public static MinimalPair[] Short =>
    [
        new("every fox wait", "the foxes wait", false),
        new("many dogs like", "every dog like", true),
        new("this bird wait", "the birds wait", false),
        new("some cats like", "every cat like", true),
        new("this bird sing", "the birds sing", false),
        new("some cats sing", "every cat sing", true),
        new("every cat sing", "some cats sing", false),
        new("the foxes like", "every fox like", true),
    ];

    // Object relative clauses.
    public static MinimalPair[] Long =>
    [
        new("this dog that every bird follows wait", "the dogs that every bird follows wait", false),
        new("many cats that the teacher chases see", "every cat that the teacher chases see", true),
        new("every bird that the dogs chase follow", "some birds that the dogs chase follow", false),
        new("some birds that the foxes follow like", "every bird that the foxes follow like", true),
        new("every cat that many teachers see sing", "some cats that many teachers see sing", false),
        new("the birds that these dogs chase chase", "this bird that these dogs chase chase", true),
        new("every fox that every fox follows like", "the foxes that every fox follows like", false),
        new("many birds that a teacher likes chase", "every bird that a teacher likes chase", true),
    ];

    // The reference dataset of mean ablation: other object-relative prompts than Long.
    public static MinimalPair[] Reference =>
    [
        new("this dog that every child likes chase", "the dogs that every child likes chase", false),
        new("the cats that the children chase wait", "this cat that the children chase wait", true),
        new("this teacher that the bird chases run", "the teachers that the bird chases run", false),
        new("the teachers that the foxes like wait", "this teacher that the foxes like wait", true),
        new("this cat that many teachers see chase", "the cats that many teachers see chase", false),
        new("some dogs that every bird follows run", "every dog that every bird follows run", true),
        new("every dog that these birds like chase", "some dogs that these birds like chase", false),
        new("some dogs that the bird chases follow", "every dog that the bird chases follow", true),
        new("every cat that this cat follows chase", "some cats that this cat follows chase", false),
        new("some birds that a bird follows follow", "every bird that a bird follows follow", true),
        new("every teacher that the dogs see sleep", "some teachers that the dogs see sleep", false),
        new("the teachers that the cats follow run", "this teacher that the cats follow run", true),
        new("every bird that a teacher likes chase", "some birds that a teacher likes chase", false),
        new("the foxes that the teachers see chase", "every fox that the teachers see chase", true),
        new("every teacher that the cats like sing", "some teachers that the cats like sing", false),
        new("many dogs that some cats follow sleep", "every dog that some cats follow sleep", true),
        new("every cat that the children like like", "some cats that the children like like", false),
        new("the foxes that many teachers see like", "every fox that many teachers see like", true),
        new("every teacher that the bird likes see", "some teachers that the bird likes see", false),
        new("some birds that the cats chase follow", "every bird that the cats chase follow", true),
        new("this bird that some birds like follow", "the birds that some birds like follow", false),
        new("some cats that the teacher chases see", "every cat that the teacher chases see", true),
        new("every cat that many teachers like run", "some cats that many teachers like run", false),
        new("some dogs that every child likes wait", "every dog that every child likes wait", true),
    ];

    /// <summary>
    /// The tiny GPT on <paramref name="device"/>, a batch of <paramref name="pairs"/> and its metric. The metric is
    /// measured on a model, batch and vocabulary loaded alike but its own, so the test's, which it runs for what it expects,
    /// never went through homework code (which could leave a hook on it, or change its weights).
    /// </summary>
    public static (HookedTransformer Model, CharVocabulary Vocabulary, PairBatch Batch, PatchingMetric Metric) OnCheckpoint(MinimalPair[] pairs, torch.Device device)
    {
        var (measured, measuredVocabulary, _) = TinyGpt.Load(device);
        var metric = PatchingMetric.Measure(measured, PairBatch.Of(pairs, measuredVocabulary), measuredVocabulary);
        var (model, vocabulary, _) = TinyGpt.Load(device);
        return (model, vocabulary, PairBatch.Of(pairs, vocabulary), metric);
    }
}
