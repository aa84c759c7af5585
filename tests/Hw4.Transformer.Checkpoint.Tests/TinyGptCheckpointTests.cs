using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Course.Testing;
using static TorchSharp.torch;

namespace Hw4.Transformer.Checkpoint.Tests;

/// <summary>
/// The small trained transformer that the interpretability homeworks ship is only trustworthy if anyone can remake it:
/// these tests rerun its recipe and compare bytes, and load the file to check it is the model its metadata describes.
/// </summary>
[NonParallelizable]
public sealed class TinyGptCheckpointTests : TorchTest
{
    static string CheckpointDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../assignments/hw4-transformer/checkpoint"));

    static string CheckpointPath => Path.Combine(CheckpointDir(), TinyGptCheckpoint.FileName);

    [Test]
    public void Given_the_committed_recipe_When_it_is_run_again_on_the_cpu_Then_it_writes_the_committed_checkpoint_bit_for_bit()
    {
        var run = new TinyGptRecipe().Run();
        var rebuilt = TinyGptCheckpoint.Serialize(run);
        var committed = File.ReadAllBytes(CheckpointPath);
        TestContext.Out.WriteLine($"rebuilt in {run.Elapsed.TotalSeconds:F1} s: validation loss {run.ValidationLoss:F4}, bigram {run.BigramLoss:F4}");

        Assert.That(TinyGptCheckpoint.Sha256(rebuilt), Is.EqualTo(TinyGptCheckpoint.Sha256(committed)),
            $"the recipe no longer makes {TinyGptCheckpoint.FileName}: if the change to the reference or the recipe is meant, " +
            "regenerate it with `dotnet run --project assignments/hw4-transformer/checkpoint` and update the README beside it");
    }

    [Test]
    public void Given_the_checkpoint_When_loaded_into_a_fresh_model_Then_it_scores_its_recorded_loss_far_below_the_bigram_baseline()
    {
        var (model, tokenizer, metadata) = TinyGptCheckpoint.Load(CheckpointPath);
        var recipe = new TinyGptRecipe();
        var validation = tokenizer.Encode(AgreementGrammar.Corpus(recipe.validation_sentences, recipe.validation_corpus_seed));

        double loss = TinyGptRecipe.ValidationLoss(model, validation, recipe.Training.seq_len);

        Assert.That(tokenizer.Encode(AgreementGrammar.Corpus(100, 99)), Has.None.EqualTo(CharTokenizer.UnknownId), "the stored vocabulary covers the grammar");
        Assert.That(loss, Is.EqualTo(double.Parse(metadata["validation_loss"], CultureInfo.InvariantCulture)).Within(1e-6));
        Assert.That(loss, Is.LessThan(double.Parse(metadata["bigram_loss"], CultureInfo.InvariantCulture) - 0.8));
    }

    [Test]
    public void Given_the_checkpoint_Then_it_is_small_and_its_readme_records_its_hash()
    {
        var bytes = File.ReadAllBytes(CheckpointPath);
        var readme = File.ReadAllText(Path.Combine(CheckpointDir(), "README.md"));

        Assert.That(bytes, Has.Length.LessThan(1 << 20), "the checkpoint ships in students' repositories: keep it under 1 MB");
        Assert.That(Regex.Match(readme, "sha256 `([0-9a-f]{64})`").Groups[1].Value, Is.EqualTo(TinyGptCheckpoint.Sha256(bytes)));
    }

    [Test]
    public void Given_the_checkpoint_When_it_continues_a_prompt_greedily_Then_it_writes_words_of_the_grammar()
    {
        var (model, tokenizer, _) = TinyGptCheckpoint.Load(CheckpointPath);
        var words = new HashSet<string>(AgreementGrammar.Corpus(2000, 7).Split(' '));
        var prompt = tensor(tokenizer.Encode("the dogs that the cat chases ")).unsqueeze(0); // [1, pos]

        var text = tokenizer.Decode(model.Generate(prompt, 100, temperature: 0)[0].data<long>().ToArray());
        var generated = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1).ToList(); // the last word may be cut off
        TestContext.Out.WriteLine(text);

        Assert.That(generated.Count(words.Contains), Is.GreaterThanOrEqualTo(0.9 * generated.Count), text);
    }
}
