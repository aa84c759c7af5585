// Trains hw4's reference transformer with the committed recipe and writes the checkpoint the later homeworks ship, into
// the given library that embeds it (models/Course.Lens):
//   dotnet run --project assignments/hw4-transformer/checkpoint [-- --out DIR]
// or remakes it in memory and compares it with the committed file and the README's record, bit for bit (exit 1 if not):
//   dotnet run --project assignments/hw4-transformer/checkpoint -- --verify
// or reruns the hidden training check's setup (400 steps) with the reference on init and window seeds 0..N-1:
//   dotnet run --project assignments/hw4-transformer/checkpoint -- --seeds 5
// See README.md beside this file for what it makes and how to check a rebuild bit for bit.
using Hw4.Transformer;
using Hw4.Transformer.Checkpoint;

if (args is ["--seeds", var count])
{
    for (long seed = 0; seed < long.Parse(count, System.Globalization.CultureInfo.InvariantCulture); seed++)
    {
        var check = new TinyGptRecipe(train_relative_clause: AgreementGrammar.DefaultRelativeClause, init_seed: seed, training: new TrainingConfig(seed: seed)).Run();
        Console.WriteLine($"seed {seed}: validation loss {check.ValidationLoss:F4}, bigram {check.BigramLoss:F4}, " +
                          $"margin {check.BigramLoss - check.ValidationLoss:F4} nats, {check.Elapsed.TotalSeconds:F1} s");
    }
    return 0;
}

string here = Path.GetDirectoryName(ThisFile())!;
var recipe = new TinyGptRecipe();
Console.WriteLine($"recipe: {recipe with { training = recipe.Training }}");
var run = recipe.Run();
var bytes = TinyGptCheckpoint.Serialize(run);
var firstSteps = TinyGptCheckpoint.ParametersSha256(recipe.TrainFirst(TinyGptRecipe.CheckedSteps));
Console.WriteLine($"validation loss {run.ValidationLoss:F4} nats/char (bigram baseline {run.BigramLoss:F4}), final training loss {run.Losses[^1]:F4}");
Console.WriteLine($"trained in {run.Elapsed.TotalSeconds:F1} s: {bytes.Length:N0} bytes, sha256 {TinyGptCheckpoint.Sha256(bytes)}; " +
                  $"the parameters after its first {TinyGptRecipe.CheckedSteps} steps, sha256 {firstSteps}");

if (args is ["--verify"])
{
    var committed = TinyGptCheckpoint.Sha256(File.ReadAllBytes(Path.Combine(here, TinyGptCheckpoint.LibraryFolder, TinyGptCheckpoint.FileName)));
    var recorded = TinyGptCheckpoint.RecordedSha256(File.ReadAllText(Path.Combine(here, "README.md")));
    bool same = committed == TinyGptCheckpoint.Sha256(bytes) && recorded == (committed, firstSteps);
    Console.WriteLine(same ? "the same bytes as the committed checkpoint, and the hashes its README records"
        : $"differs: the committed file's sha256 is {committed}, the README records {recorded.File} and, after the first steps, {recorded.FirstSteps}");
    return same ? 0 : 1;
}

string outDir = args is ["--out", var dir] ? dir : Path.GetFullPath(Path.Combine(here, TinyGptCheckpoint.LibraryFolder));
var path = Path.Combine(outDir, TinyGptCheckpoint.FileName);
Directory.CreateDirectory(outDir);
File.WriteAllBytes(path, bytes);
Console.WriteLine($"wrote {path}");
return 0;

static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
