using System.Runtime.CompilerServices;
using NUnit.Framework;
using NUnit.Framework.Internal;
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
/// golden.AssertClose("out", head.call(x), "AttentionHead.call(x), the head's output [batch, pos, d_model]");
/// </code>
/// Files are recorded to <c>golden/NAME.safetensors</c> beside the test's source file (or into COURSE_GOLDEN_DIR) and
/// read from <c>golden/</c> beside the test assembly (or COURSE_GOLDEN_DIR, or beside the source).
/// <para>
/// Public goldens ship to students, inputs and outputs, so code could recognise a stored input and return the stored
/// output. A grade with the hidden tests therefore replays the public tests on a second recording with other inputs, kept
/// with the hidden tests: the same tests recorded with COURSE_GOLDEN_SALT set, which every <see cref="Seeded"/> mixes
/// into its seed while recording.
/// </para>
/// </summary>
public sealed class Golden : IDisposable
{
    public const string ModeVariable = "COURSE_GOLDEN";
    public const string DirectoryVariable = "COURSE_GOLDEN_DIR";
    public const string FolderName = "golden";

    /// <summary>The golden files this process has recorded: a later test that opens one adds to it instead of starting anew.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> RecordedThisRun = new(StringComparer.Ordinal);

    /// <summary>While recording, a whole number mixed into every <see cref="Seeded"/>'s seed, to record other inputs.</summary>
    public const string SaltVariable = "COURSE_GOLDEN_SALT";
    const string InputPrefix = "input.", OutputPrefix = "output.";

    readonly Dictionary<string, SafeTensors.Entry> entries;
    readonly string path;

    Golden(string name, string path, bool recording, Dictionary<string, SafeTensors.Entry> entries, bool onOtherInputs = false)
    {
        Name = name;
        this.path = path;
        Recording = recording;
        this.entries = entries;
        OnOtherInputs = onOtherInputs;
    }

    /// <summary>
    /// A recording made with <see cref="SaltVariable"/>: a public golden's hidden replay, so a failure says that the grade
    /// ran the test on inputs of its own, not those of the golden file the student has.
    /// </summary>
    public bool OnOtherInputs { get; }

    /// <summary>The metadata key a salted recording stores its salt under.</summary>
    const string SaltKey = "salt";

    /// <summary>
    /// The NUnit property <see cref="Open"/> sets to "true" on the running test when it opens a recording made with
    /// <see cref="SaltVariable"/>. The grader reads it from the test's result: such a test's message quotes the replay's
    /// expected values and its output may show the replay's inputs, so a student's report withholds both until the due
    /// date, as it withholds the hidden tests, lest a student graded several times rebuild the replay's answers.
    /// </summary>
    public const string OnOtherInputsProperty = "GoldenOnOtherInputs";

    /// <summary>What a failure's first words add when <see cref="OnOtherInputs"/>.</summary>
    internal const string OtherInputsNote = " (on the grade's own inputs, not your golden file's)";

    public string Name { get; }

    /// <summary>True when this run writes the golden file instead of checking against it.</summary>
    public bool Recording { get; }

    public static bool RecordingRequested =>
        string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "record", StringComparison.OrdinalIgnoreCase);

    /// <summary><see cref="SaltVariable"/> while recording; 0 otherwise, and when it is not set.</summary>
    /// <exception cref="InvalidOperationException">It is set while recording but is not a whole number.</exception>
    public static ulong RecordingSalt
    {
        get
        {
            if (!RecordingRequested || Environment.GetEnvironmentVariable(SaltVariable) is not { Length: > 0 } text) return 0;
            return ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var salt)
                ? salt
                : throw new InvalidOperationException($"{SaltVariable}={text} is not a whole number");
        }
    }

    public static Golden Open(string name, [CallerFilePath] string sourceFile = "")
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"'{name}' is not a valid golden name", nameof(name));
        var file = name + ".safetensors";
        if (RecordingRequested)
        {
            string target;
            if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } into)
                target = Path.Combine(Path.GetFullPath(into), file);
            else
            {
                var sourceDir = Path.GetDirectoryName(sourceFile);
                if (string.IsNullOrEmpty(sourceDir) || !Directory.Exists(sourceDir))
                    throw new InvalidOperationException($"cannot record golden '{name}': the test's source folder '{sourceDir}' does not exist here");
                target = Path.Combine(sourceDir, FolderName, file);
            }
            // Tests that share a golden add to what the ones before them recorded in this run, in any order.
            var recorded = RecordedThisRun.ContainsKey(target) && File.Exists(target) ? SafeTensors.Read(target).Tensors : new(StringComparer.Ordinal);
            return new Golden(name, target, true, recorded);
        }
        var path = Candidates(sourceFile).Select(dir => Path.Combine(dir, file)).FirstOrDefault(File.Exists);
        if (path is null)
            Assert.Fail($"golden data '{file}' is missing (looked in {string.Join(", ", Candidates(sourceFile))}). " +
                        $"Record it against the reference with {ModeVariable}=record.");
        var (tensors, metadata) = SafeTensors.Read(path!);
        var onOtherInputs = metadata.ContainsKey(SaltKey);
        // On the test itself, not on TestContext's copy of its properties; set before the test reads an input.
        if (onOtherInputs) TestExecutionContext.CurrentContext.CurrentTest.Properties.Set(OnOtherInputsProperty, "true");
        return new Golden(name, path!, false, tensors, onOtherInputs);
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
            // A golden two tests share has one set of inputs: the first test's.
            if (entries.ContainsKey(InputPrefix + key)) return Load(InputPrefix + key);
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
    /// stores it instead. <paramref name="name"/> says what was expected, in the student's words, and leads the failure's
    /// first line: the member called, on what, and the shape or formula in brief, such as
    /// "TransformerBlock.call(x), the block's output [batch, pos, d_model]" or
    /// "SaeLoss.Of(sae, x, λ).Mse, the mean over inputs of the squared error summed over d_in" (never the key, which is only where
    /// the golden stores it, and never the reference's code or a hidden test's data). <paramref name="axes"/> name the
    /// dimensions in a failure (see <see cref="TensorAssert.Close"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public void AssertClose(string key, Tensor actual, string name, Tolerance? tolerance = null, IReadOnlyList<string>? axes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (Recording)
        {
            entries[OutputPrefix + key] = SafeTensors.Entry.From(actual);
            return;
        }
        TensorAssert.Close(actual, Expected(key), tolerance, OnOtherInputs ? name + OtherInputsNote : name, axes: axes);
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
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "course-golden/1",
            ["golden"] = Name,
        };
        if (RecordingSalt != 0) metadata[SaltKey] = RecordingSalt.ToString(System.Globalization.CultureInfo.InvariantCulture);
        SafeTensors.Write(path, entries, metadata);
        RecordedThisRun[path] = true;
    }
}
