using Course.Lens;
using Course.Lens.Agreement;
using Hw6.Patching.Plots;
using static TorchSharp.torch;

// Draws what YOUR Hw6.Patching code computes on the tiny GPT, one PNG per picture, into plots/ (or --out DIR).
// A picture whose code still throws NotImplementedException is skipped with one line; the others are drawn.
if (Arguments.OutFolder(args) is not { } outFolder)
{
    Console.Error.WriteLine("usage: dotnet run --project Hw6.Patching.Plots [-- --out DIR]   (default: plots/ in the current folder)");
    return 2;
}
Directory.CreateDirectory(outFolder);

var (model, vocabulary, _) = TinyGpt.Load(); // on the CPU, eval mode
// Short distance: no clause, the verb right after its subject. Long distance: an object relative clause, whose noun (of
// either number) stands between the subject and the verb. Each computed once, by the first picture that needs it.
var shortPairs = new PairData(model, vocabulary, "no-clause", Clause.None, 610);
var longPairs = new PairData(model, vocabulary, "object-relative", Clause.ObjectRelative, 620);

(string File, Action<string> Draw)[] pictures =
[
    ("residual_short.png", path => ResidualPlot.Draw(shortPairs, path)),
    ("residual_long.png", path => ResidualPlot.Draw(longPairs, path)),
    ("heads_short.png", path => HeadsPlot.Draw(shortPairs, path)),
    ("heads_long.png", path => HeadsPlot.Draw(longPairs, path)),
    ("heads_by_position_long.png", path => HeadsByPositionPlot.Draw(longPairs, path)),
    ("pattern_vs_values_long.png", path => PatternValuesPlot.Draw(longPairs, path)),
    ("ablations.png", path => AblationsPlot.Draw([shortPairs, longPairs], path)),
    ("attribution_vs_patching.png", path => AttributionPlot.Draw([shortPairs, longPairs], path)),
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
