using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// hw8's trained two-layer attention-only transformer, which has learned induction on repeated random tokens: the
/// checkpoint embedded in this library (made by <c>assignments/hw8-circuits/checkpoint</c>, see its README), loaded into a
/// <see cref="HookedAttnOnlyTransformer"/>. Its tokens are plain ids <c>0..d_vocab-1</c>; its attention biases are zero.
/// </summary>
public sealed record InductionModel(HookedAttnOnlyTransformer Model, IReadOnlyDictionary<string, string> Metadata)
{
    public const string ResourceName = "Course.Lens.induction-2l.safetensors";

    /// <summary>The checkpoint's bytes, as shipped.</summary>
    public static byte[] CheckpointBytes() => CheckpointFile.Embedded(ResourceName);

    /// <summary>A fresh copy of the model, in eval mode on <paramref name="device"/> (the CPU by default), with gradients off for its parameters.</summary>
    public static InductionModel Load(Device? device = null)
    {
        var (model, metadata) = CheckpointFile.Load(CheckpointBytes(), config => new HookedAttnOnlyTransformer(config), device);
        return new InductionModel(model, metadata);
    }
}
