// Trains hw8's two-layer attention-only transformer with the committed recipe and writes the checkpoint hw8 ships, into
// the given library that embeds it (models/Course.Lens):
//   dotnet run --project assignments/hw8-circuits/checkpoint [-- --out DIR]
// or trains the same recipe with init and data seeds 0..N-1 and prints the evidence of induction heads for each:
//   dotnet run --project assignments/hw8-circuits/checkpoint -- --seeds 5
// See README.md beside this file for what it makes and how to check a rebuild bit for bit.
using System.Globalization;
using Hw8.Circuits.Checkpoint;

if (args is ["--seeds", var count])
{
    for (long seed = 0; seed < long.Parse(count, CultureInfo.InvariantCulture); seed++)
    {
        var check = new InductionRecipe(init_seed: seed, data_seed: (ulong)seed + 1).Run();
        Console.WriteLine($"seed {seed}: {InductionEvidence.Measure(check.Model).Summary()}, {check.Elapsed.TotalSeconds:F1} s");
    }
    return;
}

string outDir = args is ["--out", var dir] ? dir : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, InductionCheckpoint.LibraryFolder));
var recipe = new InductionRecipe();
Console.WriteLine($"recipe: {recipe}");
var run = recipe.Run();
var bytes = InductionCheckpoint.Serialize(run);
var path = Path.Combine(outDir, InductionCheckpoint.FileName);
Directory.CreateDirectory(outDir);
File.WriteAllBytes(path, bytes);
Console.WriteLine($"{InductionEvidence.Measure(run.Model).Summary()}, final training loss {run.Losses[^1]:F4}");
Console.WriteLine($"trained in {run.Elapsed.TotalSeconds:F1} s; wrote {path}: {bytes.Length:N0} bytes, sha256 {InductionCheckpoint.Sha256(bytes)}");

static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
