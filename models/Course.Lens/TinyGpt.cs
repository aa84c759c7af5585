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
    public static byte[] CheckpointBytes()
    {
        using var stream = typeof(TinyGpt).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the library was built without its checkpoint ({ResourceName})");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// A fresh copy of the model, in eval mode on <paramref name="device"/> (the CPU by default), with gradients off for
    /// its parameters (turn them on with <c>requires_grad_</c> to train it).
    /// </summary>
    public static TinyGpt Load(Device? device = null)
    {
        var (tensors, metadata) = CheckpointFile.Read(CheckpointBytes());
        var config = JsonSerializer.Deserialize<HookedTransformerConfig>(metadata["config"])
            ?? throw new InvalidDataException("the checkpoint has no config");
        var model = new HookedTransformer(config);
        using (no_grad())
        {
            var parameters = model.CheckpointParameters().ToList();
            if (parameters.Count != tensors.Count)
                throw new InvalidDataException($"the checkpoint holds {tensors.Count} tensors, the model has {parameters.Count} parameters");
            foreach (var (name, parameter) in parameters)
            {
                using var stored = tensors[name];
                parameter.copy_(stored);
                parameter.requires_grad_(false);
            }
        }
        model.eval();
        if (device is not null) model.to(device);
        return new TinyGpt(model, new CharVocabulary(metadata["vocabulary"]), metadata);
    }
}
