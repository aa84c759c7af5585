using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Course.Testing;
using TorchSharp;

namespace Hw8.Circuits.Checkpoint;

/// <summary>
/// The checkpoint file: a safetensors file whose tensors are the model's parameters under their TransformerLens names
/// (<c>embed.W_E</c>, <c>blocks.0.attn.W_Q</c>, ...; float32) and whose metadata holds its config, the recipe that made it
/// and the losses on repeated tokens that show its induction (<see cref="InductionEvidence.HalfLosses"/>).
/// </summary>
public static class InductionCheckpoint
{
    public const string FileName = "induction-2l.safetensors";

    /// <summary>Where the checkpoint ships, relative to this folder: the given library that embeds it.</summary>
    public const string LibraryFolder = "../../../models/Course.Lens";
    public const string Format = "course-checkpoint/1";

    /// <summary>The bytes of the checkpoint of <paramref name="run"/>: the same run gives the same bytes.</summary>
    public static byte[] Serialize(InductionRun run)
    {
        var (firstHalf, repeatedHalf) = InductionEvidence.HalfLosses(run.Model, InductionEvidence.Tokens(run.Model));
        var tensors = run.Model.CheckpointParameters().ToDictionary(p => p.Name, p => SafeTensors.Entry.From(p.Parameter));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["model"] = "hw8-circuits/induction-2l",
            ["config"] = JsonSerializer.Serialize(run.Model.Config),
            ["recipe"] = JsonSerializer.Serialize(run.Recipe),
            ["first_half_loss"] = firstHalf.ToString("R", CultureInfo.InvariantCulture),
            ["repeated_half_loss"] = repeatedHalf.ToString("R", CultureInfo.InvariantCulture),
            ["torchsharp"] = typeof(torch).Assembly.GetName().Version!.ToString(),
        };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
