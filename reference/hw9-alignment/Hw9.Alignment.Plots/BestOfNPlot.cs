using Course.Lens;
using ScottPlot;
using static TorchSharp.torch;

namespace Hw9.Alignment.Plots;

/// <summary>
/// best-of-n.png: YOUR <see cref="RewardModel"/> trained with YOUR <see cref="RewardTraining.Train"/>, then YOUR
/// <see cref="BestOfN.Sample"/> of the base model for n = 1, 2, 4, 8, 16. Left: how often the winners satisfy the true
/// preference (YOUR <see cref="Evaluation.PreferenceRate"/>), and how often they are sentences of the grammar at all: the
/// reward model only ever saw sentences, so what it scores highest off them is where best-of-n goes wrong. Right: what
/// it costs, YOUR <see cref="BestOfN.EmpiricalKl"/> of the winners from the base model against YOUR
/// <see cref="BestOfN.AnalyticKl"/>, log n − (n − 1)/n.
/// </summary>
static class BestOfNPlot
{
    const string Prompt = ". the ";
    static readonly int[] Ns = [1, 2, 4, 8, 16];

    /// <summary>
    /// Winners per n: 100 × (1 + 2 + 4 + 8 + 16) = 3100 samples, about 40 s on one core (the pool below, 20 s more).
    /// 100 winners leave a standard error of up to 5 points on a rate.
    /// </summary>
    const int Count = 100;

    /// <summary>Base samples whose rewards estimate the base model's reward CDF F for the empirical KL.</summary>
    const int PoolSize = 2000;

    public static void Draw(PreferenceData data, string path)
    {
        var (baseModel, vocabulary, _) = TinyGpt.Load(); // the model best-of-n samples from, untouched
        var rewardModel = new RewardModel(TinyGpt.Load().Model, seed: 0); // a copy of its own, frozen under the head
        using (var training = new Generator(1, CPU))
            RewardTraining.Train(rewardModel, data.Chosen, data.Rejected, new RewardTrainingOptions(), training);
        var heldOutAccuracy = RewardTraining.Accuracy(rewardModel, data.HeldOutChosen, data.HeldOutRejected);

        using var generator = new Generator(2, CPU);
        var pool = Sampler.Complete(baseModel, vocabulary, Prompt, PoolSize, generator);
        var winners = Ns.Select(n => BestOfN.Sample(baseModel, rewardModel, vocabulary, Prompt, n, Count, generator)).ToArray();

        // Every distinct completion is scored once, so that the same sentence always gets the very same reward, in the
        // pool and among the winners (scored in batches of other shapes, its float32 reward could differ in the last bits
        // and turn a tie into a strict inequality of the empirical CDF).
        var reward = Rewards(rewardModel, vocabulary, [.. pool.Concat(winners.SelectMany(w => w)).Distinct()]);
        var poolRewards = tensor(pool.Select(c => reward[c]).ToArray()); // [PoolSize]
        var rates = winners.Select(w => Evaluation.PreferenceRate(Prompt, w)).ToArray();
        var sentences = winners.Select(SentenceRate).ToArray();
        var empiricalKl = Ns.Select((n, i) => BestOfN.EmpiricalKl(poolRewards, tensor(winners[i].Select(c => reward[c]).ToArray()), n)).ToArray();
        var baseRate = Evaluation.PreferenceRate(Prompt, pool);

        double[] xs = [.. Ns.Select(n => Math.Log2(n))];
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);

        var left = multiplot.GetPlot(0);
        var baseLine = left.Add.HorizontalLine(baseRate, 2, Colors.SteelBlue, LinePattern.Dashed);
        baseLine.LegendText = $"preferred, base model ({PoolSize} samples): {Percent(baseRate)}";
        Rate(left, xs, rates, Colors.SteelBlue, $"preferred, best-of-n ({Count} winners each, ± 1 standard error)");
        Rate(left, xs, sentences, Colors.Gray, "sentences of the grammar, preferred or not, best-of-n");
        LogTwoTicks(left);
        left.Axes.SetLimitsY(0, 1.2);
        left.ShowLegend(ScottPlot.Alignment.UpperRight);
        left.Title($"Best-of-n samples of \"{Prompt}\": how many the labellers prefer\nreward model: held-out accuracy {Percent(heldOutAccuracy)}", 14);
        left.XLabel("n (log scale)");
        left.YLabel("fraction of the winners");

        // The analytic value is exact only when rewards never tie. Sentences of a small grammar repeat, and the same
        // sentence gets the same reward, so the winner of n draws is often one of several equal best: best-of-n then moves
        // less far from the base model, and log n − (n − 1)/n is an upper bound on its KL (Beirami et al. 2024). The
        // empirical estimate can fall below the line for that reason, besides its sampling noise.
        var right = multiplot.GetPlot(1);
        double[] everyN = [.. Enumerable.Range(1, Ns[^1]).Select(n => (double)n)]; // KL is defined at whole n only
        var analytic = right.Add.Scatter(everyN.Select(Math.Log2).ToArray(), everyN.Select(n => BestOfN.AnalyticKl((int)n)).ToArray(), Colors.DarkOrange);
        analytic.LineWidth = 2;
        analytic.MarkerSize = 5;
        analytic.LegendText = "analytic at n = 1, 2, …, 16: log n − (n − 1)/n (no ties; an upper bound with them)";
        var empirical = right.Add.ScatterPoints(xs, empiricalKl, Colors.SteelBlue);
        empirical.MarkerSize = 12;
        empirical.LegendText = $"empirical: {Count} winners, F from {PoolSize} base samples";
        Label(right, xs, empiricalKl, kl => kl.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        LogTwoTicks(right);
        right.Axes.SetLimitsY(-0.05, 1.3 * Math.Max(BestOfN.AnalyticKl(Ns[^1]), empiricalKl.Max()));
        right.ShowLegend(ScottPlot.Alignment.UpperLeft);
        right.Title("KL(best-of-n ‖ base model)\nestimated with the reward model's CDF over base samples", 14);
        right.XLabel("n (log scale)");
        right.YLabel("KL (nats)");

        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        multiplot.SavePng(path, 1500, 600);
    }

    /// <summary>The reward model's reward of each of <paramref name="completions"/> of the prompt, in batches of 256.</summary>
    static Dictionary<string, double> Rewards(RewardModel rewardModel, CharVocabulary vocabulary, IReadOnlyList<string> completions)
    {
        var rewards = new Dictionary<string, double>();
        using var noGrad = no_grad();
        foreach (var chunk in completions.Chunk(256))
        {
            using var scope = NewDisposeScope();
            var batch = SequenceBatch.Of(Prompt, chunk, vocabulary);
            var values = rewardModel.call(batch.Tokens, batch.Lengths).to(ScalarType.Float64).cpu().data<double>().ToArray(); // [chunk]
            for (int i = 0; i < chunk.Length; i++) rewards[chunk[i]] = values[i];
        }
        return rewards;
    }

    /// <summary>The fraction of <paramref name="completions"/> that make the prompt a sentence of the grammar, preferred or not.</summary>
    static double SentenceRate(IReadOnlyList<string> completions) => completions.Count(c => Preference.Parse(Prompt + c) is not null) / (double)completions.Count;

    /// <summary>A rate per n with its binomial standard error, the points labelled.</summary>
    static void Rate(Plot plot, double[] xs, double[] rates, Color color, string legend)
    {
        var errorBars = plot.Add.ErrorBar(xs, rates, [.. rates.Select(p => Math.Sqrt(p * (1 - p) / Count))]);
        errorBars.Color = color;
        var line = plot.Add.Scatter(xs, rates, color);
        line.LineWidth = 2;
        line.MarkerSize = 9;
        line.LegendText = legend;
        Label(plot, xs, rates, Percent);
    }

    /// <summary>Ticks at x = log2 n labelled n, with room either side.</summary>
    static void LogTwoTicks(Plot plot)
    {
        plot.Axes.Bottom.SetTicks([.. Ns.Select(n => Math.Log2(n))], [.. Ns.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsX(-0.4, Math.Log2(Ns[^1]) + 0.4);
    }

    /// <summary>Each point's value written just above it, clear of its error bar.</summary>
    static void Label(Plot plot, double[] xs, double[] ys, Func<double, string> format)
    {
        for (int i = 0; i < xs.Length; i++)
        {
            var text = plot.Add.Text(format(ys[i]), xs[i], ys[i]);
            text.LabelAlignment = ScottPlot.Alignment.LowerLeft;
            text.LabelFontSize = 12;
            text.OffsetX = 6;
            text.OffsetY = -4;
        }
    }

    static string Percent(double fraction) => (100 * fraction).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
