using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.Plots;

/// <summary>
/// One toy model of many instances, trained by YOUR <see cref="ToyTraining.Train"/> the first time a picture asks for it
/// (on the CPU, seeded, so every run draws the same pictures), then kept for the others.
/// </summary>
/// <param name="Sparsities">One sparsity per instance.</param>
/// <param name="ImportanceRatio">Importance <c>ratio^i</c> of feature i (1: all features matter equally).</param>
sealed class ToyRun(string name, long nFeatures, long dHidden, double[] sparsities, double importanceRatio, ToyTrainingOptions options, ulong seed)
{
    readonly Lazy<Tensor> weights = new(() => Train(nFeatures, dHidden, sparsities, importanceRatio, options, seed, name));

    public long NFeatures => nFeatures;
    public long DHidden => dHidden;
    public IReadOnlyList<double> Sparsities => sparsities;
    public double ImportanceRatio => importanceRatio;

    /// <summary><c>W [n_inst, d_hidden, n_features]</c> after training, detached, on the CPU.</summary>
    public Tensor W => weights.Value;

    public string Describe() => $"{nFeatures} features in {dHidden} dimensions, " +
        (importanceRatio == 1 ? "equal importance" : $"importance {importanceRatio}^i");

    static Tensor Train(long nFeatures, long dHidden, double[] sparsities, double importanceRatio, ToyTrainingOptions options, ulong seed, string name)
    {
        var clock = Stopwatch.StartNew();
        using var generator = new Generator(seed, CPU);
        var model = new ToyModel(sparsities.Length, nFeatures, dHidden, generator);
        ToyTraining.Train(model, tensor(sparsities), Importance.Geometric(nFeatures, importanceRatio), options, generator);
        Console.WriteLine($"trained the {name} toy model ({sparsities.Length} instances, {options.Steps} steps) in {clock.Elapsed.TotalSeconds:F1} s");
        // Made on the main thread outside any dispose scope: it lives as long as the program.
        return model.W.detach().clone();
    }
}
