using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// hw4's trained tiny GPT, as every interpretability homework studies it: the checkpoint embedded in this library
/// (made by <c>assignments/hw4-transformer/checkpoint</c>, see its README), loaded into a <see cref="HookedTransformer"/>,
/// with its <see cref="CharVocabulary"/>.
/// </summary>
public sealed record TinyGpt(HookedTransformer Model, CharVocabulary Vocabulary, IReadOnlyDictionary<string, string> Metadata)
{
    public const string ResourceName = "Course.Lens.tiny-gpt.safetensors";

    /// <summary>The checkpoint's bytes, as shipped.</summary>
    public static byte[] CheckpointBytes() => CheckpointFile.Embedded(ResourceName);

    /// <summary>
    /// A fresh copy of the model, in eval mode on <paramref name="device"/> (the CPU by default), with gradients off for
    /// its parameters (turn them on with <c>requires_grad_</c> to train it).
    /// </summary>
    public static TinyGpt Load(Device? device = null)
    {
        var (model, metadata) = CheckpointFile.Load(CheckpointBytes(), config => new HookedTransformer(config), device);
        return new TinyGpt(model, new CharVocabulary(metadata["vocabulary"]), metadata);
    }
}
