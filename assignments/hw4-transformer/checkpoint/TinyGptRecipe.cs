using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Checkpoint;

/// <summary>
/// Everything that decides the trained weights: the corpus (grammar seeds and sizes), the model config
/// (<see cref="Config.TinyGpt"/> for the corpus's characters), the init seed and the training config. On the CPU with one
/// thread the same recipe, TorchSharp and libtorch give the same bytes on every run. The defaults made the committed
/// checkpoint: a training corpus with more relative clauses than hw4's (half the nouns take one) and 7.5 times the steps
/// of the homework's training check, which is what it takes for the model to carry a subject's number across a clause to
/// its verb (the probes of hw5 look for where it keeps it; see the README for the measurements).
/// </summary>
public sealed record TinyGptRecipe(
    int train_sentences = 4000,
    ulong train_corpus_seed = 1,
    double train_relative_clause = 0.5,
    int validation_sentences = 400,
    ulong validation_corpus_seed = 2,
    long init_seed = 0,
    TrainingConfig? training = null)
{
    public TrainingConfig Training => training ?? new TrainingConfig(steps: 3000);

    /// <summary>
    /// How many of the training steps the suite reruns on every CI run (tests/Hw4.Transformer.Checkpoint.Tests), a tenth of
    /// them: the learning rate is constant and one generator draws every step's windows, so these are the first steps of
    /// the full run, and every part of the step's code runs in them. <c>-- --verify</c> reruns all of them.
    /// </summary>
    public const int CheckedSteps = 300;

    /// <summary>Trains the model of this recipe on the CPU with one thread and scores it on the validation corpus.</summary>
    public TinyGptRun Run()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (tokenizer, trainIds) = TrainingTokens();
        var (model, losses) = Train(tokenizer, trainIds, Training);
        return Scored(model, tokenizer, trainIds, losses, clock.Elapsed);
    }

    /// <summary>The model after the first <paramref name="steps"/> of <see cref="Run"/>'s training steps, bit for bit.</summary>
    public Transformer TrainFirst(int steps)
    {
        var (tokenizer, trainIds) = TrainingTokens();
        return Train(tokenizer, trainIds, Training with { steps = steps }).Model;
    }

    /// <summary>
    /// The run of this recipe that made <paramref name="trained"/>, scored again on the validation corpus: what a checkpoint
    /// of it records (its training losses, which no checkpoint holds, are empty).
    /// </summary>
    public TinyGptRun Rescored(Transformer trained)
    {
        var (tokenizer, trainIds) = TrainingTokens();
        return Scored(trained, tokenizer, trainIds, [], TimeSpan.Zero);
    }

    /// <summary>The training corpus's tokenizer and tokens, and the CPU with one thread, which fixes libtorch's reductions.</summary>
    (CharTokenizer Tokenizer, long[] TrainIds) TrainingTokens()
    {
        set_num_threads(1);
        set_default_dtype(ScalarType.Float32);
        var text = AgreementGrammar.Corpus(train_sentences, train_corpus_seed, train_relative_clause);
        var tokenizer = CharTokenizer.Fit(text);
        return (tokenizer, tokenizer.Encode(text));
    }

    (Transformer Model, IReadOnlyList<double> Losses) Train(CharTokenizer tokenizer, long[] trainIds, TrainingConfig config)
    {
        manual_seed(init_seed);
        var model = new Transformer(Config.TinyGpt(tokenizer.VocabSize));
        return (model, Trainer.Train(model, tensor(trainIds), config));
    }

    TinyGptRun Scored(Transformer model, CharTokenizer tokenizer, long[] trainIds, IReadOnlyList<double> losses, TimeSpan elapsed)
    {
        var validationIds = tokenizer.Encode(AgreementGrammar.Corpus(validation_sentences, validation_corpus_seed));
        double validationLoss = ValidationLoss(model, validationIds, Training.seq_len);
        double bigramLoss = BigramBaseline.Loss(trainIds, validationIds, tokenizer.VocabSize);
        return new TinyGptRun(this, model, tokenizer, losses, validationLoss, bigramLoss, elapsed);
    }

    /// <summary>Mean next-token loss over consecutive, non-overlapping windows of <paramref name="seqLen"/> tokens.</summary>
    public static double ValidationLoss(Transformer model, long[] ids, long seqLen)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long windows = ids.Length / seqLen;
        var tokens = tensor(ids.AsSpan(0, (int)(windows * seqLen)).ToArray()).reshape(windows, seqLen); // [windows, seq_len]
        return LmLoss.CrossEntropy(model.call(tokens), tokens).item<float>();
    }
}

/// <summary>The outcome of <see cref="TinyGptRecipe.Run"/>.</summary>
public sealed record TinyGptRun(
    TinyGptRecipe Recipe, Transformer Model, CharTokenizer Tokenizer, IReadOnlyList<double> Losses,
    double ValidationLoss, double BigramLoss, TimeSpan Elapsed);
