using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class BestOfNTests : TorchTest
{
    [Test, Points(2)]
    public void Choose_TakesTheIndexOfEachRowsHighestReward()
    {
        var rewards = tensor(new float[,] { { 0.1f, 0.9f, -2f }, { 3f, -1f, 2.5f } }).to(Device);

        var choice = BestOfN.Choose(rewards);

        TensorAssert.Close(choice, tensor(new long[] { 1, 0 }).to(Device), name: "BestOfN.Choose(rewards [[0.1, 0.9, -2], [3, -1, 2.5]]) [prompts]");
    }

    [TestCase(1, 0.0)]
    [TestCase(2, 0.19314718055994531)]
    [TestCase(16, 1.8350887222397811)]
    [Points(2)]
    public void AnalyticKl_IsLogNMinusNMinusOneOverN(int n, double expected)
    {
        Assert.That(BestOfN.AnalyticKl(n), Is.EqualTo(expected).Within(1e-12), $"BestOfN.AnalyticKl({n}) = log {n} - ({n} - 1)/{n} (in floating point: with ints, (n - 1) / n is 0)");
        // n + 1 in the same test, so that no case is only a constant (AnalyticKl(1) is 0).
        double next = Math.Log(n + 1) - (double)n / (n + 1);
        Assert.That(BestOfN.AnalyticKl(n + 1), Is.EqualTo(next).Within(1e-12), $"BestOfN.AnalyticKl({n + 1}) = log {n + 1} - {n}/{n + 1} = {next}");
    }

    [TestCase(4.0, 0.6931471805599453)]
    [TestCase(2.0, 0.4054651081081644)]
    [TestCase(1.0, -0.6931471805599453)]
    [TestCase(0.5, -0.6931471805599453)]
    [Points(3)]
    public void EmpiricalKl_UsesTheFractionOfBaseRewardsAtOrBelowTheWinners(double winner, double expected)
    {
        // base rewards 1, 2, 2, 3: F̂(4) = 1, F̂(2) = 3/4 (both 2s count), F̂(1) = 1/4, F̂(0.5) = 1/4 (none is below, and F̂ is at
        // least 1/m); n = 2 gives log 2 + log F̂
        var baseRewards = tensor(new[] { 3.0, 2.0, 1.0, 2.0 }, ScalarType.Float64).to(Device);

        double kl = BestOfN.EmpiricalKl(baseRewards, tensor(new[] { winner }, ScalarType.Float64).to(Device), n: 2);

        // The SDK's float64 tolerance: the estimate is a few float64 operations on float64 rewards.
        Assert.That(kl, Is.EqualTo(expected).Within(Tolerance.For(ScalarType.Float64, Device.type).Allowed(expected, Math.Abs(expected))),
            $"BestOfN.EmpiricalKl(base [3, 2, 1, 2], winner [{winner}], n = 2) = log 2 + (2 - 1) log F̂({winner}), F̂(r) the fraction of base rewards <= r, at least 1/4 (log 0 for a winner below every base reward is -inf)");
    }

    // 1 point given to Sample_ScoresEveryCompletionAfterThePrompt_AndKeepsTheBestOfEachGroup (5 → 4).
    [TestCase(2)]
    [TestCase(8)]
    [TestCase(32)]
    [Points(4)]
    public void EmpiricalKl_OfSeededBestOfNDraws_IsWithinAStatisticalBoundOfTheAnalyticValue(int n)
    {
        // Rewards without ties: a pool of m base draws for F̂, and k best-of-n winners, each the max of n fresh draws.
        const int m = 100_000, k = 4000;
        using var seeded = new Seeded(930 + n);
        var pool = seeded.Randn([m], ScalarType.Float64);
        var winners = seeded.Randn([k, n], ScalarType.Float64).amax([1]); // [k]

        double kl = BestOfN.EmpiricalKl(pool, winners, n);

        // Per winner, (n − 1) log F(r) has standard deviation (n − 1)/n (−log F(r) of the max of n uniforms is exponential
        // with rate n), so the mean of k has standard error (n − 1)/(n √k); F̂ from m draws adds about √((n − 1)/m).
        // The bound is 5 standard errors of each.
        double analytic = Math.Log(n) - (n - 1.0) / n;
        double bound = 5 * ((n - 1.0) / n / Math.Sqrt(k) + Math.Sqrt((n - 1.0) / m));
        Assert.That(kl, Is.EqualTo(analytic).Within(bound),
            $"BestOfN.EmpiricalKl of {k} best-of-{n} winners of N(0, 1) rewards, F̂ from {m} base draws: log {n} - ({n} - 1)/{n} = {analytic:F4} within {bound:F4}");
    }

    // 1 point, taken from EmpiricalKl_OfSeededBestOfNDraws_IsWithinAStatisticalBoundOfTheAnalyticValue (5 → 4).
    [Test, Points(1)]
    public void Sample_ScoresEveryCompletionAfterThePrompt_AndKeepsTheBestOfEachGroup()
    {
        // Not the plots' ". the ": the completions must be scored after the prompt Sample is given, whichever it is.
        const string prompt = ". a ";
        const int n = 4, count = 6;
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var rewardModel = new RewardModel(TinyGpt.Load(Device).Model, 962);
        // The rewards the winners are judged by come from a head the test drew and wrote into the reward model before Sample
        // runs, never the constructor's, through RewardModel.forward (pinned by its golden test) on a fresh reward model holding
        // that head, and they must not all tie: a forward returning zeros made every candidate tie, so that any pick was "the
        // best" (red team 17, a01). A drawn head gives distinct sentences distinct rewards.
        using var seeded = new Seeded(964);
        var (weight, bias) = TestHead.Write(rewardModel, model.Config.d_model, seeded, Device);
        // The reward model's tiny GPT embeds what it scores: hook_embed holds W_E's rows of the scored tokens, so the first
        // positions of every scored row must be the prompt's, and the row's tokens can be read back from it.
        var W_E = rewardModel.Base.W_E.detach().clone(); // [d_vocab, d_model]
        var promptRows = W_E[tensor(vocabulary.Encode(prompt)).to(Device)]; // [prompt_pos, d_model]
        var scoredRows = new List<long[]>();
        var withoutThePrompt = 0L;
        IReadOnlyList<string> winners;
        using var generator = new Generator(963, CPU);
        using (rewardModel.Base.Hook("hook_embed").AddHook((embed, _) =>
        {
            var rows = embed.detach(); // [batch, pos, d_model]
            withoutThePrompt += (rows[.., ..prompt.Length] != promptRows).any(-1).any(-1).sum().ToInt64();
            var ids = rows.unsqueeze(2).eq(W_E).all(-1).to(ScalarType.Int64).argmax(-1).cpu(); // [batch, pos]: the row of W_E each position holds
            for (long row = 0; row < ids.shape[0]; row++) scoredRows.Add(ids[row].data<long>().ToArray());
            return null;
        }))
        {
            winners = BestOfN.Sample(model, rewardModel, vocabulary, prompt, n: n, count: count, generator);
            Assert.That(winners, Has.Count.EqualTo(count), $"BestOfN.Sample(..., n: {n}, count: {count}) returns {count} completions");
        }
        // Sampling moves the generator it is given on; a generator of the same seed that nothing drew from is where it started.
        using (var untouched = new Generator(963, CPU))
            Assert.That(rand([8], generator: generator).ne(rand([8], generator: untouched)).sum().item<long>(), Is.GreaterThan(0),
                "draws of 8 where the generator after BestOfN.Sample differs from a fresh one of its seed (none: Sample never drew from it): draw the candidates with " +
                "Sampler.Complete(model, vocabulary, prompt, count * n, generator), the generator you are given, not one of your own");

        Assert.That(withoutThePrompt, Is.Zero,
            $"{withoutThePrompt} of the {scoredRows.Count} rows the reward model scored did not start with the prompt \"{prompt}\": score the prompt and the completion together " +
            "(SequenceBatch.Of(prompt, completions, vocabulary)), as the reward model reads them");

        // The groups come from the draw, not from the order the reward model saw the rows (the docs fix none: a Sample may sort
        // them by length, or score each distinct text once, red team 17, fair3 03). Sampler.Complete is given code and the test
        // knows the seed, so it replays the n × count draws from a fresh generator in calls of equal size: one call of all
        // (as [count, n] or as [n, count]), count calls of n, n calls of count, or any other size that divides n × count. The
        // draw is the first replay whose every completion was scored. Candidates are read back as sampled: cut after their
        // first ".", padding dropped.
        var scoredTexts = scoredRows.Select(ids =>
        {
            var completion = vocabulary.Decode(ids)[prompt.Length..];
            return completion.IndexOf('.') is var stop and >= 0 ? completion[..(stop + 1)] : completion;
        }).ToList();
        var scoredSet = scoredTexts.ToHashSet();
        var (replayModel, _, _) = TinyGpt.Load(Device);
        List<string> Replay(int callSize)
        {
            using var replayed = new Generator(963, CPU);
            return [.. Enumerable.Range(0, n * count / callSize).SelectMany(_ => Sampler.Complete(replayModel, vocabulary, prompt, callSize, replayed))];
        }
        int[] callSizes = [.. new[] { n * count, n, count }.Concat(Enumerable.Range(1, n * count).Reverse()).Distinct().Where(size => n * count % size == 0)];
        var draw = callSizes.Select(Replay).FirstOrDefault(texts => texts.All(scoredSet.Contains));
        // No credit without a replay: the candidates are the test's own draws, never rows the submission chose to score. A
        // fallback to "the first n × count scored rows" passed a Sample that scored one completion n × count times and
        // returned it count times, so every candidate and winner was one text and every reward tied (red team 18, a01).
        Assert.That(draw, Is.Not.Null,
            $"the reward model scored {scoredSet.Count} distinct completions in {scoredRows.Count} rows, and not every one of the n × count = {n * count} " +
            $"that Sampler.Complete(model, vocabulary, prompt, count * n, generator) draws (in one call, or in calls of equal size): draw every candidate " +
            "from the generator you are given and score each (each distinct text at least once)");
        var candidates = draw!;
        // Every winner is one of the candidates drawn: a text that was never drawn is no best-of-n sample.
        var notDrawn = winners.FirstOrDefault(winner => !candidates.Contains(winner));
        Assert.That(notDrawn, Is.Null,
            $"the winner \"{notDrawn}\" is none of the n × count = {n * count} completions Sampler.Complete drew from the generator: return the chosen candidates themselves");

        // Each winner is the best of its own group of n, whichever n candidates that group holds: so the j-th lowest winner's reward
        // is at least the (j · n)-th lowest of all n × count candidates' (a winner read at the wrong position, or taken from
        // another group, is not).
        double[] Rewards(IReadOnlyList<string> completions) => TestHead.Values(weight, bias, SequenceBatch.Of(prompt, completions, vocabulary), Device);
        var scored = Rewards(candidates); // in the order drawn
        TestHead.AssertNotAllTied(scored, $"the n × count = {n * count} candidates, by RewardModel.forward on a fresh reward model holding the test's head");
        var all = scored.Order().ToArray();
        var won = Rewards(winners).Order().ToArray();
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        double scale = Tolerance.ScaleOf(all);
        var beaten = Enumerable.Range(1, count).FirstOrDefault(j => won[j - 1] < all[j * n - 1] - tolerance.Allowed(all[j * n - 1], scale));
        string Show(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        Assert.That(beaten, Is.Zero,
            $"a best-of-{n} winner is not the best of its group: the {Ordinal(beaten)} lowest winner's reward is below the {Ordinal(beaten * n)} lowest of the " +
            $"{n * count} candidates', where a group's best beats its {n - 1} rivals; score each candidate at its own last token (batch.Lengths), Choose in each " +
            $"group of n, and return that group's chosen completion; winners {Show(won)}, candidates {Show(all)} (both sorted)");

        // And the groups are fixed before any reward is seen: the winners are the group maxima of the candidates as drawn, in
        // groups of n consecutive ones (rewards viewed as [count, n]) or of every count-th one (as [n, count], transposed).
        double[] Maxima(Func<int, int, int> index) => [.. Enumerable.Range(0, count).Select(group => Enumerable.Range(0, n).Max(j => scored[index(group, j)])).Order()];
        bool Matches(double[] maxima) => maxima.Zip(won).All(p => Math.Abs(p.First - p.Second) <= tolerance.Allowed(p.First, scale));
        Assert.That(Matches(Maxima((group, j) => group * n + j)) || Matches(Maxima((group, j) => j * count + group)), Is.True,
            $"the winners are not the best of fixed groups of {n}: keep the best of each group (Choose on the rewards viewed as [count, n]), not the {count} highest " +
            $"rewards of all {n * count} candidates; winners {Show(won)}, group maxima {Show(Maxima((group, j) => group * n + j))} (both sorted)");
        static string Ordinal(int k) => k + (k % 100 is 11 or 12 or 13 ? "th" : (k % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
    }
}
