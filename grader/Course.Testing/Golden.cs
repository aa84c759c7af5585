using System.Runtime.CompilerServices;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// A golden snapshot: the inputs of a numeric test and the outputs the reference gives on them, in one
/// safetensors file. Recording (COURSE_GOLDEN=record, run against the reference) stores both; replaying
/// loads the stored inputs, so no RNG has to match across versions, and compares the code under test
/// with the stored outputs.
/// <code>
/// using var golden = Golden.Open("head_forward");
/// var x = golden.Input("x", () => seeded.Randn([2, 5, 16]));
/// golden.AssertClose("out", head.call(x));
/// </code>
/// Files are recorded to <c>golden/NAME.safetensors</c> beside the test's source file and read from
/// <c>golden/</c> beside the test assembly (or COURSE_GOLDEN_DIR, or beside the source).
/// </summary>
public sealed class Golden : IDisposable
{
    public const string ModeVariable = "COURSE_GOLDEN";
    public const string DirectoryVariable = "COURSE_GOLDEN_DIR";
    public const string FolderName = "golden";
    const string InputPrefix = "input.", OutputPrefix = "output.";

    readonly Dictionary<string, SafeTensors.Entry> entries;
    readonly string path;

    Golden(string name, string path, bool recording, Dictionary<string, SafeTensors.Entry> entries)
    {
        Name = name;
        this.path = path;
        Recording = recording;
        this.entries = entries;
    }

    public string Name { get; }

    /// <summary>True when this run writes the golden file instead of checking against it.</summary>
    public bool Recording { get; }

    public static bool RecordingRequested =>
        string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "record", StringComparison.OrdinalIgnoreCase);

    public static Golden Open(string name, [CallerFilePath] string sourceFile = "")
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"'{name}' is not a valid golden name", nameof(name));
        var file = name + ".safetensors";
        if (RecordingRequested)
        {
            var sourceDir = Path.GetDirectoryName(sourceFile);
            if (string.IsNullOrEmpty(sourceDir) || !Directory.Exists(sourceDir))
                throw new InvalidOperationException($"cannot record golden '{name}': the test's source folder '{sourceDir}' does not exist here");
            return new Golden(name, Path.Combine(sourceDir, FolderName, file), true, new(StringComparer.Ordinal));
        }
        var path = Candidates(sourceFile).Select(dir => Path.Combine(dir, file)).FirstOrDefault(File.Exists);
        if (path is null)
            Assert.Fail($"golden data '{file}' is missing (looked in {string.Join(", ", Candidates(sourceFile))}). " +
                        $"Record it against the reference with {ModeVariable}=record.");
        return new Golden(name, path!, false, SafeTensors.Read(path!).Tensors);
    }

    static IEnumerable<string> Candidates(string sourceFile)
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir) yield return dir;
        yield return Path.Combine(TestContext.CurrentContext.TestDirectory, FolderName);
        if (Path.GetDirectoryName(sourceFile) is { Length: > 0 } sourceDir) yield return Path.Combine(sourceDir, FolderName);
    }

    /// <summary>
    /// An input of the test: made by <paramref name="make"/> and stored when recording, loaded from the
    /// golden file otherwise. Returned on <see cref="TestDevice.Current"/>.
    /// </summary>
    public Tensor Input(string key, Func<Tensor> make)
    {
        if (Recording)
        {
            var made = make();
            entries[InputPrefix + key] = SafeTensors.Entry.From(made);
            return made.to(TestDevice.Current);
        }
        return Load(InputPrefix + key);
    }

    /// <summary>
    /// Moves <paramref name="module"/> to the device under test and fills each of its parameters from the
    /// golden input of the same name, so that replay never depends on the RNG or on init code. When
    /// recording, the weights are normal values times <paramref name="scale"/> drawn from <paramref name="seeded"/>.
    /// </summary>
    public void LoadParameters(nn.Module module, Seeded seeded, double scale)
    {
        module.to(TestDevice.Current);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            var weight = Input(name, () => seeded.RandnCpu(parameter.shape) * scale);
            TensorAssert.Shape(parameter, weight.shape, $"parameter {name} (its shape is fixed by the constructor you were given)");
            parameter.copy_(weight);
        }
    }

    /// <summary>The stored expected output, on <see cref="TestDevice.Current"/>.</summary>
    public Tensor Expected(string key) => Load(OutputPrefix + key);

    /// <summary>
    /// Checks <paramref name="actual"/> against the stored output <paramref name="key"/>; when recording,
    /// stores it instead. <paramref name="axes"/> name the dimensions in a failure (see <see cref="TensorAssert.Close"/>),
    /// and <paramref name="name"/> what was expected, in the failure's first line (the key when null).
    /// </summary>
    public void AssertClose(string key, Tensor actual, Tolerance? tolerance = null, IReadOnlyList<string>? axes = null, string? name = null)
    {
        if (Recording)
        {
            entries[OutputPrefix + key] = SafeTensors.Entry.From(actual);
            return;
        }
        TensorAssert.Close(actual, Expected(key), tolerance, name ?? key, axes: axes);
    }

    Tensor Load(string key)
    {
        if (!entries.TryGetValue(key, out var entry))
            Assert.Fail($"golden '{Name}' has no tensor '{key}'; re-record it with {ModeVariable}=record against the reference.");
        using var cpu = entry!.ToTensor();
        return cpu.to(TestDevice.Current).clone();
    }

    public void Dispose()
    {
        if (!Recording || entries.Count == 0) return;
        SafeTensors.Write(path, entries, new Dictionary<string, string>
        {
            ["format"] = "course-golden/1",
            ["golden"] = Name,
        });
    }
}
