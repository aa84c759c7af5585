using Course.Lens;
using Hw9.Alignment.Plots;

// Draws what YOUR Hw9.Alignment code does to the tiny GPT, one PNG per picture, into plots/ (or --out DIR).
// A picture whose code still throws NotImplementedException is skipped with one line; the others are drawn.
if (Arguments.OutFolder(args) is not { } outFolder)
{
    Console.Error.WriteLine("usage: dotnet run --project Hw9.Alignment.Plots [-- --out DIR]   (default: plots/ in the current folder)");
    return 2;
}
Directory.CreateDirectory(outFolder);
// The tiny GPT's tensors are small: one libtorch thread samples and trains it faster than several that wait on each other.
TorchSharp.torch.set_num_threads(1);

var vocabulary = TinyGpt.Load().Vocabulary; // every picture loads its own fresh copies of the model (on the CPU)
var data = new Lazy<PreferenceData>(() => PreferenceData.Load(vocabulary)); // shared by both pictures

(string File, Action<string> Draw)[] pictures =
[
    ("best-of-n.png", path => BestOfNPlot.Draw(data.Value, path)),
    ("dpo-training.png", path => DpoPlot.Draw(data.Value, path)),
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
