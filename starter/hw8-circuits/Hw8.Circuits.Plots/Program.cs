using Course.Lens;
using Hw8.Circuits.Plots;

// Draws what YOUR Hw8.Circuits code reads from the induction model's weights, one PNG per picture, into plots/ (or --out DIR).
// A picture whose code still throws NotImplementedException is skipped with one line; the others are drawn.
if (Arguments.OutFolder(args) is not { } outFolder)
{
    Console.Error.WriteLine("usage: dotnet run --project Hw8.Circuits.Plots [-- --out DIR]   (default: plots/ in the current folder)");
    return 2;
}
Directory.CreateDirectory(outFolder);
var model = InductionModel.Load().Model; // on the CPU: every circuit here is a few small matrix products

(string File, Action<string> Draw)[] pictures =
[
    ("composition.png", path => CompositionPlot.Draw(model, path)),
    ("prev-token-qk.png", path => PreviousTokenPlot.Draw(model, path)),
    ("ov-eigenvalues.png", path => OvEigenvaluePlot.Draw(model, path)),
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
