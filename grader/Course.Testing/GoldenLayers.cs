using System.Globalization;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// One stage of a model checked against a golden: <paramref name="Actual"/> computes what the code under test gives
/// (typically one of the student's modules run on the stored output of the stage before, so each stage is judged on
/// its own), <paramref name="Key"/> names the stored output it must match, <paramref name="Name"/> says what it is in
/// words ("block 1's attention"), and <paramref name="Check"/> what to look at when it is the first stage that differs,
/// written knowing that every stage before it matched.
/// </summary>
public sealed record GoldenLayer(string Key, string Name, Func<Tensor> Actual, string Check, Tolerance? Tolerance = null)
{
    /// <summary>
    /// A stage of the whole (the model's logits from its tokens, a chain of its own blocks) that reads nothing the golden
    /// stores: it runs before any stage does, though it is checked in its place. A part fed the golden's expected input
    /// computes what the next part is expected to give, and homework code could keep that in a field of its module and hand
    /// it back from the whole model's call: a red team (stop 57) passed hw4's logits check with a stub
    /// <c>Transformer.forward</c> that returned what <c>unembed</c> had just computed on the stored <c>ln_final</c>.
    /// </summary>
    public bool RunsFirst { get; init; }
}

/// <summary>
/// Compares a model's stages with a golden in order and fails at the first that differs, so the message leads with
/// where the model goes wrong instead of an element diff of the logits:
/// <code>
/// golden.AssertLayers([
///     new("embedded", "the embeddings", () => embed(tokens), "Embed"),
///     new("block0", "block 0's output", () => block0.call(golden.Expected("embedded")), "TransformerBlock.forward"),
/// ]);
/// </code>
/// When recording, every stage's output is stored in order, so a stage may read the stored output of an earlier one.
/// </summary>
public static class GoldenLayers
{
    public static void AssertLayers(this Golden golden, IEnumerable<GoldenLayer> layers)
    {
        if (golden.Recording)
        {
            foreach (var layer in RunFirst(layers)) golden.AssertClose(layer.Key, layer.Actual(), layer.Name);
            return;
        }
        var failure = FirstDifference(layers, golden.Expected);
        if (failure is not null) Assert.Fail(golden.OnOtherInputs ? failure.Insert(failure.IndexOf(':', StringComparison.Ordinal), Golden.OtherInputsNote) : failure);
    }

    /// <summary>
    /// The message for the first stage whose output differs from <paramref name="expected"/> of its key (or throws),
    /// or null when every stage matches. Stages after the first difference are not run, but those that run first
    /// (<see cref="GoldenLayer.RunsFirst"/>) already have.
    /// </summary>
    public static string? FirstDifference(IEnumerable<GoldenLayer> layers, Func<string, Tensor> expected)
    {
        var matched = new List<GoldenLayer>();
        foreach (var layer in RunFirst(layers))
        {
            // No dispose scope here: it would also dispose whatever a module caches on its first call.
            string? detail;
            try
            {
                detail = TensorAssert.CloseFailure(layer.Actual(), expected(layer.Key), layer.Tolerance, layer.Key);
            }
            catch (Exception e) when (e is not ResultStateException)
            {
                var said = e.Message.Split('\n')[0].Trim();
                detail = $"{layer.Key}: computing it threw {e.GetType().Name}: {(said.Length > 300 ? said[..300] + "…" : said)}";
            }
            if (detail is null)
            {
                matched.Add(layer);
                continue;
            }
            return $"{layer.Key}: the first difference is in {layer.Name}; {Before(matched)}. Check {layer.Check}\n{detail}";
        }
        return null;
    }

    /// <summary>
    /// The stages in order, those that run first computed now, before any other: each then gives what it computed, or
    /// throws what computing it threw, when its turn comes.
    /// </summary>
    static List<GoldenLayer> RunFirst(IEnumerable<GoldenLayer> layers) =>
        [.. layers.Select(layer => layer.RunsFirst ? layer with { Actual = Computed(layer.Actual) } : layer)];

    static Func<Tensor> Computed(Func<Tensor> compute)
    {
        try
        {
            var value = compute();
            return () => value;
        }
        catch (Exception e) when (e is not ResultStateException)
        {
            var thrown = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            return () =>
            {
                thrown.Throw();
                throw e;
            };
        }
    }

    static string Before(List<GoldenLayer> matched) => matched.Count switch
    {
        0 => "it is the first stage checked",
        1 => $"the stage before it ({matched[0].Key}) matches",
        2 => $"the 2 stages before it ({matched[0].Key}, {matched[1].Key}) match",
        _ => string.Create(CultureInfo.InvariantCulture, $"the {matched.Count} stages before it ({matched[0].Key} through {matched[^1].Key}) match"),
    };
}
