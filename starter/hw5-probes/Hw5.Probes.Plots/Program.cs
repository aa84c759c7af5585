using Course.Lens;
using Hw5.Probes.Plots;
using static TorchSharp.torch;

// Draws what YOUR Hw5.Probes code computes on the tiny GPT, one PNG per picture, into plots/ (or --out DIR).
// A picture whose code still throws NotImplementedException is skipped with one line; the others are drawn.
if (Arguments.OutFolder(args) is not { } outFolder)
{
    Console.Error.WriteLine("usage: dotnet run --project Hw5.Probes.Plots [-- --out DIR]   (default: plots/ in the current folder)");
    return 2;
}
Directory.CreateDirectory(outFolder);

var (model, vocabulary, _) = TinyGpt.Load(); // on the CPU, eval mode
using var noGrad = no_grad();
var probeData = new Lazy<ProbeData>(() => ProbeData.Load(model, vocabulary)); // shared by the last two pictures

(string File, Action<string> Draw)[] pictures =
[
    ("logit_lens.png", path => LogitLensPlot.Draw(model, vocabulary, path)),
    ("dla.png", path => DlaPlot.Draw(model, vocabulary, path)),
    ("probe_accuracy.png", path => ProbeAccuracyPlot.Draw(probeData.Value, path)),
    ("direction_ablation.png", path => DirectionAblationPlot.Draw(model, vocabulary, probeData.Value, path)),
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
