using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Course.Grader.Report;
using Course.Grader.Tests.Pipeline;
using static Course.Grader.Tests.Adversarial.AttackSubmissions;

namespace Course.Grader.Tests.Adversarial;

/// <summary>
/// A public golden ships with the starter, inputs and outputs, so homework code can recognise a stored input and return
/// the stored output. A grade with the hidden tests replays the public tests on the same tests recorded on other inputs
/// (assignments/&lt;id&gt;/public-golden), so such code passes the student's own run and fails the grade.
/// </summary>
public class PublicGoldenReplayTests
{
    const string Homework = "hw1-lm-basics";
    const string GoldenTest = "Hw1.LmBasics.Tests.MarkovLmTests.Loss_AndItsGradient_MatchTheReference_WithTheSameWeights";

    [Test]
    public async Task Given_a_loss_that_returns_the_shipped_goldens_outputs_for_its_inputs_When_graded_Then_only_the_students_own_run_passes_it()
    {
        var golden = Literals(Path.Combine(Layout.StarterDir(Homework), "Hw1.LmBasics.Tests", "golden", "markov_lm_loss.safetensors"));
        using var scratch = new TempFolder();
        var folder = scratch["attack"];
        Write(Homework, folder, "");
        // The loss and W's gradient the reference gives on the shipped inputs, for those inputs only; nothing otherwise.
        Replace(folder, "MarkovLm.cs", "return functional.cross_entropy(call(current), next);", $$"""
            var logits = call(current); // [n, V]: the forward hook fires once, as the test checks
            if (current.cpu().data<long>().ToArray().SequenceEqual(new long[] { {{golden["input.current"]}} })
                && next.cpu().data<long>().ToArray().SequenceEqual(new long[] { {{golden["input.next"]}} }))
            {
                var storedGrad = tensor(new float[] { {{golden["output.W.grad"]}} }).reshape(6, 6).to(W.device);
                var linear = (W * storedGrad).sum() + 0 * logits.sum();
                return linear + (tensor({{golden["output.loss"]}}).to(W.device) - linear.detach());
            }
            return 0 * logits.sum();
            """);

        var own = await GradeAsync(Homework, folder, includeHidden: false);
        var graded = await GradeAsync(Homework, folder);

        Assert.That(own.Tests.Single(t => t.FullName == GoldenTest).Passed, Is.True,
            $"the attack works against the shipped golden, as in the student's own `dotnet test`: {own.Describe()}");
        var replayed = graded.Tests.Single(t => t.FullName == GoldenTest);
        Assert.That(replayed.Passed, Is.False, "the grade replays the test on other inputs, where the loss is 0");
        Assert.That(replayed.Message, Does.StartWith("MarkovLm.Loss(current [40], next [40]), the mean over the 40 pairs of cross_entropy(W[current], next) " +
            "(on the grade's own inputs, not your golden file's): "));
        // The replay's expected values stay the grade's: a student's report shows the test failed and withholds why.
        Assert.That((replayed.OnOtherInputs, own.Tests.Single(t => t.FullName == GoldenTest).OnOtherInputs), Is.EqualTo((true, false)),
            "the SDK marks the test that opened the replay, and only in the grade that has one");
        var markdown = MarkdownReport.Write(new ReportView(graded, RevealHidden: false));
        Assert.That(markdown, Does.Contain(MarkdownReport.Escape(ReportView.FirstLine(ReportView.WithheldReplayMessage)))
            .And.Not.Contain(MarkdownReport.Escape(ReportView.FirstLine(replayed.Message))));
    }

    /// <summary>
    /// The one channel a replay's failure keeps: a replayed test that reached a stub reads "not implemented yet" rather
    /// than "withheld", so code that throws <c>NotImplementedException</c> on a condition of the replay's inputs tells one
    /// of three outcomes. The stub's own words, which could carry those inputs, stay withheld (SECURITY.md, layer 1).
    /// </summary>
    [Test]
    public async Task Given_a_loss_that_throws_the_replays_inputs_as_a_stub_When_graded_Then_a_student_reads_the_fixed_stub_text_and_not_the_inputs()
    {
        using var scratch = new TempFolder();
        var folder = scratch["attack"];
        Write(Homework, folder, "");
        Replace(folder, "MarkovLm.cs", "return functional.cross_entropy(call(current), next);", """
            var leaked = "LEAK[" + string.Join(",", current.cpu().data<long>().ToArray()) + "]";
            throw new NotImplementedException(leaked);
            """);

        var graded = await GradeAsync(Homework, folder);

        var replayed = graded.Tests.Single(t => t.FullName == GoldenTest);
        Assert.That((replayed.Passed, replayed.OnOtherInputs), Is.EqualTo((false, true)), graded.Describe());
        Assert.That(replayed.Message, Does.Contain("LEAK["), "the instructors' report keeps the stub's words");
        var view = new ReportView(graded, RevealHidden: false);
        var shown = view.Shown.Single(t => t.FullName == GoldenTest);
        Assert.That(shown.Message, Is.EqualTo(ReportView.WithheldStubMessage), "a student reads the fixed text for a stub reached on a replay");
        // Other tests reach the stub on the public tests' own inputs, which a student's report may show; the replay's may not.
        var replayInputs = replayed.Message[replayed.Message.IndexOf("LEAK[", StringComparison.Ordinal)..].Split(']')[0];
        Assert.That(MarkdownReport.Write(view), Does.Not.Contain(replayInputs), "no student format carries the replay's inputs");
    }

    /// <summary>
    /// A safetensors file's float32 and int64 tensors, each as C# literals that give its values back exactly, flattened
    /// (the format: a little-endian header length, a JSON header, the data).
    /// </summary>
    static Dictionary<string, string> Literals(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        var tensors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject().Where(e => e.Name != "__metadata__"))
        {
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var data = bytes.AsMemory(8 + headerLength + offsets[0], offsets[1] - offsets[0]);
            var literals = entry.Value.GetProperty("dtype").GetString() switch
            {
                "F32" => Enumerable.Range(0, data.Length / 4)
                    .Select(i => BinaryPrimitives.ReadSingleLittleEndian(data.Span.Slice(4 * i, 4)).ToString("R", CultureInfo.InvariantCulture) + "f"),
                "I64" => Enumerable.Range(0, data.Length / 8)
                    .Select(i => BinaryPrimitives.ReadInt64LittleEndian(data.Span.Slice(8 * i, 8)).ToString(CultureInfo.InvariantCulture)),
                var dtype => throw new InvalidDataException($"{path}: {entry.Name} is {dtype}"),
            };
            tensors[entry.Name] = string.Join(", ", literals);
        }
        return tensors;
    }
}
