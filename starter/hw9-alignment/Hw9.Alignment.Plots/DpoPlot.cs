using Course.Lens;
using Course.Lens.Agreement;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw9.Alignment.Plots;

/// <summary>
/// dpo-training.png: YOUR <see cref="DpoTraining.Train"/> of a fresh copy of the tiny GPT against another, frozen, on the
/// preference pairs. Left: the DPO loss at each step, from log 2 (the policy equals the reference) down. Right: the mean
/// implicit rewards β log(π_θ/π_ref) of the step's chosen and rejected completions, pulled apart. The titles report
/// what the trained policy does against the reference (YOUR <see cref="Evaluation"/>): how often its samples satisfy the
/// preference, how far it moved per token, and whether it still makes verbs agree (the alignment tax).
/// </summary>
static class DpoPlot
{
    const string Prompt = ". the ";
    const int Steps = 120;

    /// <summary>Samples per model for the preference rates: 400 take about 4 s on one core.</summary>
    const int Samples = 400;

    /// <summary>Steps in the running mean drawn over each noisy per-step curve.</summary>
    const int Window = 10;

    public static void Draw(PreferenceData data, string path)
    {
        var (policy, vocabulary, _) = TinyGpt.Load();
        var reference = TinyGpt.Load().Model;
        var options = new DpoOptions(Steps: Steps);
        using var generator = new Generator(3, CPU);
        var history = DpoTraining.Train(policy, reference, data.Chosen, data.Rejected, options, generator);
        foreach (var parameter in policy.parameters()) parameter.requires_grad = false;

        var policySamples = Sampler.Complete(policy, vocabulary, Prompt, Samples, generator);
        var referenceSamples = Sampler.Complete(reference, vocabulary, Prompt, Samples, generator);
        var (policyRate, referenceRate) = (Evaluation.PreferenceRate(Prompt, policySamples), Evaluation.PreferenceRate(Prompt, referenceSamples));
        var tokenKl = Evaluation.TokenKl(policy, reference, SequenceBatch.Of(Prompt, policySamples, vocabulary));
        var agreement = AgreementBatch.Of(AgreementPrompts.Sample(300, 7, Clause.SubjectRelative), vocabulary);
        var (policyAgreement, referenceAgreement) = (Evaluation.AgreementAccuracy(policy, vocabulary, agreement), Evaluation.AgreementAccuracy(reference, vocabulary, agreement));

        var multiplot = new Multiplot();
        multiplot.AddPlots(2);

        var left = multiplot.GetPlot(0);
        var start = left.Add.HorizontalLine(Math.Log(2), 2, Colors.Gray, LinePattern.Dashed);
        start.LegendText = "log 2: the policy equals the reference";
        Curve(left, history.Loss, Colors.SteelBlue, "DPO loss");
        left.Axes.SetLimits(-2, Steps + 1, 0, Math.Max(1.5 * Math.Log(2), 1.1 * history.Loss.Max()));
        left.ShowLegend(ScottPlot.Alignment.UpperRight);
        left.Title($"DPO loss (β = {options.Beta}, learning rate {options.LearningRate}, {options.BatchSize} pairs a step)\n" +
                   $"after training, preferred of {Samples} samples of \"{Prompt}\":\npolicy {Percent(policyRate)}, reference {Percent(referenceRate)}", 14);
        left.XLabel("step");
        left.YLabel("loss (nats)");

        var right = multiplot.GetPlot(1);
        right.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dotted);
        Curve(right, history.ChosenReward, Colors.SeaGreen, "chosen completions");
        Curve(right, history.RejectedReward, Colors.Crimson, "rejected completions");
        double low = Math.Min(0, history.RejectedReward.Concat(history.ChosenReward).Min()), high = Math.Max(0, history.RejectedReward.Concat(history.ChosenReward).Max());
        right.Axes.SetLimits(-2, Steps + 1, low - 0.25 * (high - low), high + 0.1 * (high - low)); // room below for the legend
        right.ShowLegend(ScottPlot.Alignment.LowerLeft);
        right.Title("Mean implicit reward β log(π_θ(y|x) / π_ref(y|x)) of the step's pairs\n" +
                    $"after training: KL(policy ‖ reference) {tokenKl:F3} nats per completion token,\n" +
                    $"subject–verb agreement: policy {Percent(policyAgreement)}, reference {Percent(referenceAgreement)}", 14);
        right.XLabel("step");
        right.YLabel("implicit reward (nats)");

        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1600, 600);
    }

    /// <summary>A per-step curve, faint, with its running mean over <see cref="Window"/> steps drawn over it.</summary>
    static void Curve(Plot plot, double[] values, Color color, string legend)
    {
        double[] steps = [.. Enumerable.Range(0, values.Length).Select(s => (double)s)];
        var raw = plot.Add.ScatterLine(steps, values, color.WithAlpha(0.35));
        raw.LineWidth = 1;
        var mean = plot.Add.ScatterLine(steps, RunningMean(values), color);
        mean.LineWidth = 3;
        mean.LegendText = $"{legend}: mean of the last {Window} steps (faint: each step)";
    }

    /// <summary>Each step's mean over itself and up to <see cref="Window"/> − 1 steps before it.</summary>
    static double[] RunningMean(double[] values) =>
        [.. values.Select((_, i) => values[Math.Max(0, i - Window + 1)..(i + 1)].Average())];

    static string Percent(double fraction) => (100 * fraction).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
