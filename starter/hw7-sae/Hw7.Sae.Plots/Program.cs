using Hw7.Sae;
using Hw7.Sae.Plots;

// Draws what YOUR Hw7.Sae code computes, one PNG per picture, into plots/ (or --out DIR).
// A picture whose code still throws NotImplementedException is skipped with one line; the others are drawn.
if (Arguments.OutFolder(args) is not { } outFolder)
{
    Console.Error.WriteLine("usage: dotnet run --project Hw7.Sae.Plots [-- --out DIR]   (default: plots/ in the current folder)");
    return 2;
}
Directory.CreateDirectory(outFolder);
// The toy models' tensors are small: one libtorch thread trains them faster than several that wait on each other.
TorchSharp.torch.set_num_threads(1);

// The paper's first figure: 20 features of importance 0.7^i in 5 dimensions, at growing sparsity.
var gramRun = new ToyRun("WᵀW", nFeatures: 20, dHidden: 5, sparsities: [0, 0.7, 0.9, 0.97, 0.99],
    importanceRatio: 0.7, new ToyTrainingOptions(Steps: 2000, BatchSize: 256, Lr: 1e-2, Schedule: LrSchedule.Cosine), seed: 0);
// The paper's feature-dimensionality figure: equally important features, 1 / (1 - S) from 1 to 100 in 12 instances.
var dimensionalityRun = new ToyRun("dimensionality", nFeatures: 30, dHidden: 6, sparsities: DimensionalityPlot.Sparsities(12, 100),
    importanceRatio: 1, new ToyTrainingOptions(Steps: 3000, BatchSize: 256, Lr: 1e-2, Schedule: LrSchedule.Cosine), seed: 1);

(string File, Action<string> Draw)[] pictures =
[
    ("toy_gram.png", path => GramPlot.Draw(gramRun, path)),
    ("feature_dimensionality.png", path => DimensionalityPlot.Draw(dimensionalityRun, path)),
    ("latent_frequencies.png", LatentFrequencyPlot.Draw),
];

int failed = 0;
foreach (var (file, draw) in pictures)
{
    var path = Path.Combine(outFolder, file);
    try
    {
        draw(path);
        Console.WriteLine(path);
    }
    catch (NotImplementedException e)
    {
        Console.WriteLine($"skipped {file}: {Arguments.NotImplemented(e)}");
    }
    catch (Exception e)
    {
        failed++;
        Console.Error.WriteLine($"failed {file}: {e.GetType().Name}: {Arguments.FirstLine(e.Message)} (run the tests to find out where)");
    }
}
return failed == 0 ? 0 : 1;
