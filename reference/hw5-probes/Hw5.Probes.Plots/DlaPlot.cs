using Course.Lens;
using Course.Lens.Agreement;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw5.Probes.Plots;

/// <summary>
/// dla.png: YOUR <see cref="DirectLogitAttribution.Attribute"/> on 200 relative-clause prompts, each component's part
/// of <c>logit("s") - logit(" ")</c> at the verb, signed by the subject's number (+1 singular, -1 plural) so that a
/// positive bar pushes toward the correct verb form, averaged over the prompts.
/// </summary>
static class DlaPlot
{
    public static void Draw(HookedTransformer model, CharVocabulary vocabulary, string path)
    {
        List<AgreementPrompt> prompts = [
            .. AgreementPrompts.Sample(100, 800, Clause.SubjectRelative),
            .. AgreementPrompts.Sample(100, 900, Clause.ObjectRelative)];
        var batch = AgreementBatch.Of(prompts, vocabulary);
        var (_, cache) = model.RunWithCache(batch.Tokens);

        var (parts, labels) = DirectLogitAttribution.Attribute(model, cache, batch, vocabulary); // [component, batch]
        var sign = 1.0 - 2.0 * batch.PluralSubject.to(ScalarType.Float64); // [batch]: +1 singular, -1 plural
        var mean = (parts.to(CPU).to(ScalarType.Float64) * sign).mean([1]); // [component]
        double[] values = mean.data<double>().ToArray();

        var plot = new Plot();
        var bars = plot.Add.Bars(values);
        foreach (var bar in bars.Bars)
        {
            bar.FillColor = bar.Value >= 0 ? Colors.SteelBlue : Colors.IndianRed;
            bar.Label = bar.Value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
        }
        bars.ValueLabelStyle.FontSize = 11;
        plot.Add.HorizontalLine(0, 1, Colors.Black);
        double[] positions = [.. Enumerable.Range(0, labels.Count).Select(i => (double)i)];
        plot.Axes.Bottom.SetTicks(positions, [.. labels]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 90;
        plot.Axes.Margins(0.03, 0.12);
        plot.Title($"Direct logit attribution at the verb, {prompts.Count} relative-clause prompts (total {values.Sum():F2})", 15);
        plot.XLabel("component");
        plot.YLabel("logit difference toward the correct form");
        plot.SavePng(path, 1000, 550);
    }
}
