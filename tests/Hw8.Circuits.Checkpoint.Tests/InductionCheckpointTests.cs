using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Course.Lens;
using Course.Testing;
using Hw8.Circuits.Checkpoint;
using static TorchSharp.torch;

namespace Hw8.Circuits.Checkpoint.Tests;

/// <summary>
/// hw8 reads an induction circuit from the weights of the model it ships, so the model must have one, and anyone must be
/// able to remake it: these tests rerun its recipe and compare bytes, and load the embedded file to check that it is
/// attention-only with zero attention biases (so its attention scores are products of its weights) and that it shows
/// induction on repeated random tokens.
/// </summary>
[NonParallelizable]
public sealed class InductionCheckpointTests : TorchTest
{
    static string CheckpointDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../assignments/hw8-circuits/checkpoint"));

    static string CheckpointPath => Path.GetFullPath(Path.Combine(CheckpointDir(), InductionCheckpoint.LibraryFolder, InductionCheckpoint.FileName));

    [Test]
    public void Given_the_committed_recipe_When_it_is_run_again_on_the_cpu_Then_it_writes_the_committed_checkpoint_bit_for_bit()
    {
        var run = new InductionRecipe().Run();
        var rebuilt = InductionCheckpoint.Serialize(run);
        TestContext.Out.WriteLine($"rebuilt in {run.Elapsed.TotalSeconds:F1} s, final training loss {run.Losses[^1]:F4}");

        Assert.That(InductionCheckpoint.Sha256(rebuilt), Is.EqualTo(InductionCheckpoint.Sha256(File.ReadAllBytes(CheckpointPath))),
            $"the recipe no longer makes {InductionCheckpoint.FileName}: if the change to the recipe or to Course.Lens is meant, " +
            "regenerate it with `dotnet run --project assignments/hw8-circuits/checkpoint` and update the README beside it");
    }

    [Test]
    public void Given_the_checkpoint_Then_the_library_embeds_it_it_is_small_and_its_readme_records_its_hash()
    {
        var bytes = File.ReadAllBytes(CheckpointPath);
        var readme = File.ReadAllText(Path.Combine(CheckpointDir(), "README.md"));

        Assert.That(InductionModel.CheckpointBytes(), Is.EqualTo(bytes), "Course.Lens embeds the committed file");
        Assert.That(bytes, Has.Length.LessThan(1 << 20), "the checkpoint ships in students' repositories: keep it under 1 MB");
        Assert.That(Regex.Match(readme, "sha256 `([0-9a-f]{64})`").Groups[1].Value, Is.EqualTo(InductionCheckpoint.Sha256(bytes)));
    }

    [Test]
    public void Given_the_loaded_model_Then_it_is_attention_only_with_zero_attention_biases_and_frozen_parameters()
    {
        var model = InductionModel.Load().Model;
        var names = model.named_parameters().Select(p => p.name).ToList();

        Assert.That(model.Config.attn_only, Is.True);
        Assert.That(names.Where(n => n.Contains("ln", StringComparison.Ordinal) || n.Contains("mlp", StringComparison.Ordinal) || n.EndsWith("b_U", StringComparison.Ordinal)),
            Is.Empty, "no LayerNorm, MLP or unembedding bias");
        foreach (var (name, parameter) in model.named_parameters())
        {
            Assert.That(parameter.requires_grad, Is.False, name);
            if (name.Contains(".b_", StringComparison.Ordinal))
                Assert.That(parameter.abs().max().item<float>(), Is.Zero, $"{name} must stay zero: the homework reads attention scores from weights alone");
        }
    }

    [Test]
    public void Given_repeated_random_tokens_Then_the_loaded_model_predicts_the_repeat_and_has_a_previous_token_head_and_induction_heads()
    {
        var loaded = InductionModel.Load();
        var evidence = InductionEvidence.Measure(loaded.Model);
        TestContext.Out.WriteLine(evidence.Summary());
        var (prev, induction) = (evidence.PrevTokenScores, evidence.InductionScores);

        Assert.That(evidence.RepeatedHalfLoss, Is.EqualTo(double.Parse(loaded.Metadata["repeated_half_loss"], CultureInfo.InvariantCulture)).Within(1e-6),
            "the embedded model scores what its metadata recorded");
        // Measured (README): 4.930 and 0.353 nats. Induction is what lowers the repeated half by more than 4 nats.
        Assert.That(evidence.RepeatedHalfLoss, Is.LessThan(evidence.FirstHalfLoss - 4), evidence.Summary());
        // Head 0.2 attends to the previous token (0.54), every other head at most 0.12; a threshold of 0.4 and a gap to the
        // next of 0.3 keep "the previous-token head" a single, clear head of layer 0.
        var layer0 = Enumerable.Range(0, 4).Select(h => prev[0, h]).OrderDescending().ToList();
        Assert.That(layer0[0], Is.GreaterThan(0.4), evidence.Summary());
        Assert.That(layer0[0] - layer0[1], Is.GreaterThan(0.3), evidence.Summary());
        // Every layer-1 head is an induction head (0.85-0.89), and no layer-0 head is (at most 0.05).
        Assert.That(Enumerable.Range(0, 4).Select(h => induction[1, h]), Has.All.GreaterThan(0.7), evidence.Summary());
        Assert.That(Enumerable.Range(0, 4).Select(h => induction[0, h]), Has.All.LessThan(0.2), evidence.Summary());
        // Mean-ablating any one of them costs at least 0.16 nats on the repeated half (measured); hw8's ablation check rests on it.
        Assert.That(evidence.AblatedRepeatedHalfLoss, Has.All.GreaterThan(evidence.RepeatedHalfLoss + 0.1), evidence.Summary());
    }
}
