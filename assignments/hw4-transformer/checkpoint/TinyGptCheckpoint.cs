using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Course.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Checkpoint;

/// <summary>
/// The checkpoint file: a safetensors file whose tensors are the model's parameters under their TransformerLens names
/// (<c>embed.W_E</c>, <c>blocks.0.attn.W_Q</c>, ...; float32) and whose metadata holds what it takes to use them: the
/// config, the tokenizer's vocabulary and the recipe that made it.
/// </summary>
public static class TinyGptCheckpoint
{
    public const string FileName = "tiny-gpt.safetensors";

    /// <summary>Where the checkpoint ships, relative to this folder: the given library that embeds it.</summary>
    public const string LibraryFolder = "../../../models/Course.Lens";
    public const string Format = "course-checkpoint/1";

    /// <summary>The bytes of the checkpoint of <paramref name="run"/>: the same run gives the same bytes.</summary>
    public static byte[] Serialize(TinyGptRun run)
    {
        var tensors = run.Model.named_parameters().ToDictionary(p => p.name, p => SafeTensors.Entry.From(p.parameter));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["model"] = "hw4-transformer/tiny-gpt",
            ["config"] = JsonSerializer.Serialize(run.Model.Config),
            ["vocabulary"] = new string(run.Tokenizer.Symbols.ToArray()),
            ["recipe"] = JsonSerializer.Serialize(new { run.Recipe.train_sentences, run.Recipe.train_corpus_seed, run.Recipe.train_relative_clause, run.Recipe.validation_sentences, run.Recipe.validation_corpus_seed, run.Recipe.init_seed, training = run.Recipe.Training }),
            ["validation_loss"] = run.ValidationLoss.ToString("R", CultureInfo.InvariantCulture),
            ["bigram_loss"] = run.BigramLoss.ToString("R", CultureInfo.InvariantCulture),
            ["torchsharp"] = typeof(torch).Assembly.GetName().Version!.ToString(),
        };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The sha256 of <paramref name="model"/>'s parameters, written as a checkpoint's tensors are, without metadata.</summary>
    public static string ParametersSha256(Transformer model)
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, model.named_parameters().ToDictionary(p => p.name, p => SafeTensors.Entry.From(p.parameter)));
        return Sha256(stream.ToArray());
    }

    /// <summary>
    /// What the README beside the recipe records: the checkpoint's sha256, and the sha256 of the parameters after the recipe's
    /// first <see cref="TinyGptRecipe.CheckedSteps"/> training steps (<see cref="ParametersSha256"/>).
    /// </summary>
    public static (string File, string FirstSteps) RecordedSha256(string readme) =>
        (Regex.Match(readme, $"`[^`]*{FileName}`, [0-9,]+ bytes, sha256 `([0-9a-f]{{64}})`").Groups[1].Value,
         Regex.Match(readme, $"after its first {TinyGptRecipe.CheckedSteps} steps, sha256 `([0-9a-f]{{64}})`").Groups[1].Value);

    /// <summary>A model, its tokenizer and the file's metadata, read from a checkpoint (on the CPU).</summary>
    public static (Transformer Model, CharTokenizer Tokenizer, IReadOnlyDictionary<string, string> Metadata) Load(string path)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        if (!metadata.TryGetValue("format", out var format) || format != Format)
            throw new InvalidDataException($"{path} is not a {Format} file");
        var config = JsonSerializer.Deserialize<Config>(metadata["config"])
            ?? throw new InvalidDataException($"{path} has no config");
        var model = new Transformer(config);
        using (no_grad())
        {
            var parameters = model.named_parameters().ToList();
            if (parameters.Count != tensors.Count)
                throw new InvalidDataException($"{path} holds {tensors.Count} tensors, the model has {parameters.Count} parameters");
            foreach (var (name, parameter) in parameters)
            {
                using var stored = tensors[name].ToTensor();
                parameter.copy_(stored);
            }
        }
        return (model, new CharTokenizer(metadata["vocabulary"].ToCharArray()), metadata);
    }
}
