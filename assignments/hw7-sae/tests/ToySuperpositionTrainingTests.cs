using System.Diagnostics;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw7.Sae.HiddenTests;

/// <summary>
/// The paper's central picture, end to end with YOUR features, model, loss and training (measured here): 5 features squeezed
/// into 2 hidden dimensions. With dense features (S = 0) a ReLU model does what a linear one would, keeping the 2 most
/// important features in orthogonal directions and dropping the rest; with sparse features (S = 0.99) it stores all 5,
/// as a regular pentagon (each D_i = 2/5) or, in a local minimum, as two antipodal pairs (D_i = 1/2) with one dropped.
/// Each test trains 8 instances at once, 2000 Adam steps of batch 512 at lr 1e-2, seed 0 for the initial W and the data.
/// The reference's values on seeds 0 to 4 are written next to each threshold; the thresholds count instances, so a
/// correct solution whose random draws come in another order (and so trains differently) still clears them.
/// </summary>
[Visibility(Visibility.Hidden)]
public sealed class ToySuperpositionTrainingTests : TorchTest
{
    const long NInst = 8, NFeatures = 5, DHidden = 2;
    const ulong Seed = 0;
    static ToyTrainingOptions Options => new(Steps: 2000, BatchSize: 512, Lr: 1e-2);

    /// <summary>The trained instances: per instance, the features with ‖W_i‖ &gt; 0.5 and each feature's D_i.</summary>
    sealed record Trained(long[][] Represented, double[][] Dimensionality, long[] Counts, double Seconds)
    {
        public IEnumerable<double> RepresentedD(int i) => Represented[i].Select(f => Dimensionality[i][f]);

        public string Describe() =>
            $"represented features per instance [{string.Join(", ", Counts)}], their D_i: " +
            string.Join("; ", Enumerable.Range(0, Counts.Length).Select(i => string.Join(" ", RepresentedD(i).Select(d => d.ToString("F2"))))) +
            $" ({Seconds:F1} s)";
    }

    /// <summary>
    /// Trains 8 instances with YOUR ToyModel and ToyTraining.Train, after checking that Train trains: its first
    /// <see cref="ReplaySteps"/> losses must be those of Adam steps written out here. The outcome alone is a known picture
    /// that code could write into W without training; the replay is what ties it to ToyTraining.Train's loop.
    /// </summary>
    static Trained Train(double sparsity, double importanceRatio)
    {
        var clock = Stopwatch.StartNew();
        // I_f = ratio^f, made here (not with Importance.Geometric) so that the replay weighs the loss as the test means it.
        var importance = full([NFeatures], importanceRatio, ScalarType.Float64).pow(arange(NFeatures, ScalarType.Float64)).to(ScalarType.Float32); // [n_features]
        Tensor losses, W;
        using (var generator = new Generator(Seed, CPU))
        {
            var model = new ToyModel(NInst, NFeatures, DHidden, generator);
            model.to(Device);
            losses = ToyTraining.Train(model, full(NInst, sparsity), importance.clone(), Options, generator);
            W = model.W.detach().cpu().to(ScalarType.Float64).clone(); // [n_inst, d_hidden, n_features]
        }
        AssertTheFirstStepsMatchALoopWrittenOut(sparsity, importance, losses);
        // Read off with the test's own threshold and the test's own D_i, so that these tests check the training, not
        // RepresentedCount or Superposition.Dimensionality.
        var norms = linalg.vector_norm(W, dims: [1]); // [n_inst, n_features]
        var represented = Enumerable.Range(0, (int)NInst)
            .Select(i => Enumerable.Range(0, (int)NFeatures).Where(f => norms[i, f].ToDouble() > 0.5).Select(f => (long)f).ToArray()).ToArray();
        var dimensionality = Dimensionality(W, norms); // [n_inst, n_features]
        var d = Enumerable.Range(0, (int)NInst).Select(i => dimensionality[i].data<double>().ToArray()).ToArray();
        var result = new Trained(represented, d, [.. represented.Select(r => (long)r.Length)], clock.Elapsed.TotalSeconds);
        TestContext.Out.WriteLine(result.Describe());
        return result;
    }

    /// <summary>Steps of the run compared one by one with the loop written out: a few milliseconds of 8 tiny instances.</summary>
    const int ReplaySteps = 20;

    /// <summary>
    /// The documented loop on a twin made here: W drawn as ToyModel's given constructor draws it from a generator of the
    /// same seed, b_final zero, one Adam over both at the constant learning rate, each step a batch of
    /// SyntheticFeatures.Generate from that generator, the importance-weighted mean squared error per instance summed over
    /// the instances, recorded before the update. <paramref name="losses"/> (the run's) must agree with it step by step.
    /// </summary>
    static void AssertTheFirstStepsMatchALoopWrittenOut(double sparsity, Tensor importance, Tensor losses)
    {
        TensorAssert.Shape(losses, [Options.Steps], "ToyTraining.Train's losses: one per step");
        using var scope = NewDisposeScope();
        using var replay = new Generator(Seed, CPU);
        var std = Math.Sqrt(2.0 / (DHidden + NFeatures));
        var W = nn.Parameter((randn([NInst, DHidden, NFeatures], ScalarType.Float32, CPU, generator: replay) * std).to(Device)); // [n_inst, d_hidden, n_features]
        var b_final = nn.Parameter(zeros([NInst, NFeatures], device: Device)); // [n_inst, n_features]
        var adam = optim.Adam([W, b_final], lr: Options.Lr);
        var weights = importance.to(Device); // [n_features]
        var expected = new double[ReplaySteps];
        for (int step = 0; step < ReplaySteps; step++)
        {
            var x = SyntheticFeatures.Generate(Options.BatchSize, full(NInst, sparsity), NFeatures, replay, Device); // [batch, n_inst, n_features]
            var h = einsum("bif,ihf->bih", x, W); // [batch, n_inst, d_hidden]
            var output = nn.functional.relu(einsum("bih,ihf->bif", h, W) + b_final); // [batch, n_inst, n_features]
            var loss = (weights * (x - output).pow(2)).mean([0, 2]).sum();
            adam.zero_grad();
            loss.backward();
            adam.step();
            expected[step] = loss.ToDouble();
        }
        var actual = losses[..ReplaySteps].to(ScalarType.Float64).cpu().data<double>().ToArray();
        string numbers = $"the first {ReplaySteps} losses {StepSeries.Show(actual)} against {StepSeries.Show(expected)} (S = {sparsity}, batch {Options.BatchSize}, lr {Options.Lr})";
        // A batch of uniform features, even 99% sparse over 8 instances of 512 rows, has a nonzero loss at the random start.
        Assert.That(expected[0], Is.GreaterThan(0),
            $"the loop written out here has a first loss of 0: SyntheticFeatures.Generate gave a batch of zeros; {numbers}");
        int apart = StepSeries.FirstApart(actual, expected, Tolerance.For(ScalarType.Float32, Device.type));
        if (apart < 0)
            return;
        // Before blaming the loop, see whether ToyModel.forward or ToyLoss.Of differ from the formulas on the twin's weights
        // after its steps (b_final no longer 0): a forward that is right only while b_final is 0 parts at step 1, not 0.
        if (ForwardOrLossDiffers(W.detach(), b_final.detach(), weights, sparsity) is { } which)
            Assert.Fail($"ToyTraining.Train's losses part from a loop of Adam steps written out at step {apart}{(apart > 0 ? " (equal before)" : "")}, and {which}: " +
                $"fix that first (ToyModelTests and ToyLossTests check it on their own), the loop is then checked again; {numbers}");
        if (apart == 0)
            Assert.Fail("ToyTraining.Train's first loss differs from the untrained model's loss on the first batch (ToyModel.forward and ToyLoss.Of agree with " +
                "their formulas here), so what it trained (if anything) is not the documented loop: record ToyLoss.Of(model.call(batch), batch, importance) " +
                $"of each step's fresh SyntheticFeatures.Generate batch, before the update, and return them; {numbers}");
        Assert.Fail($"ToyTraining.Train's losses part from a loop of Adam steps written out at step {apart} (equal before; ToyModel.forward and ToyLoss.Of " +
            "agree with their formulas here, so the loop is what differs): one optim.Adam over model.parameters() at options.LrAt(step) for the whole " +
            $"run, zero_grad, backward and step once per step on a fresh batch; {numbers}");
    }

    /// <summary>
    /// What differs, in words, when YOUR ToyModel.forward (given <paramref name="W"/> and <paramref name="b_final"/>) or
    /// ToyLoss.Of differs from its formula on a fresh batch; null when both agree.
    /// </summary>
    static string? ForwardOrLossDiffers(Tensor W, Tensor b_final, Tensor importance, double sparsity)
    {
        using var generator = new Generator(Seed + 1, CPU);
        var x = SyntheticFeatures.Generate(Options.BatchSize, full(NInst, sparsity), NFeatures, generator, Device); // [batch, n_inst, n_features]
        var output = nn.functional.relu(einsum("bih,ihf->bif", einsum("bif,ihf->bih", x, W), W) + b_final); // [batch, n_inst, n_features]
        var loss = (importance * (x - output).pow(2)).mean([0, 2]).sum();
        var model = new ToyModel(NInst, NFeatures, DHidden);
        TestWeights.Write([("ToyModel.W", model.W, W.cpu()), ("ToyModel.b_final", model.b_final, b_final.cpu())]);
        model.to(Device);
        var tolerance = Tolerance.For(ScalarType.Float32, Device.type);
        using (no_grad())
        {
            if (TensorAssert.CloseFailure(model.call(x.clone()), output, tolerance) is not null)
                return "ToyModel.forward differs from ReLU(W[i]ᵀ W[i] x + b_final[i]) on the weights the loop reached (b_final no longer 0)";
            if (TensorAssert.CloseFailure(ToyLoss.Of(output.clone(), x.clone(), importance.clone()), loss, tolerance) is not null)
                return "ToyLoss.Of differs from the importance-weighted mean squared error per instance, summed over the instances";
        }
        return null;
    }

    /// <summary>
    /// <c>[n_inst, n_features]</c> float64: D_i = ‖W_i‖² / Σ_j (Ŵ_i · W_j)², 0 for a zero column; <paramref name="W"/>
    /// <c>[n_inst, d_hidden, n_features]</c> float64 and <paramref name="norms"/> its column norms.
    /// </summary>
    static Tensor Dimensionality(Tensor W, Tensor norms)
    {
        var unit = W / norms.clamp_min(1e-300).unsqueeze(1); // [n_inst, d_hidden, n_features]; a zero column stays zero
        var denominator = einsum("ihf,ihg->ifg", unit, W).pow(2).sum([2]); // [n_inst, n_features]
        return where(denominator > 0, norms.pow(2) / denominator, zeros_like(denominator));
    }

    [Test, Points(4)]
    public void DenseFeatures_KeepTheTwoMostImportant_InOrthogonalDirections()
    {
        var trained = Train(sparsity: 0, importanceRatio: 0.7); // the paper's importance 0.7^i: 1, 0.7, 0.49, ...

        var exactlyTwo = trained.Counts.Count(c => c == DHidden);
        var mostImportant = trained.Represented.Count(r => r.SequenceEqual([0L, 1L]));
        var orthogonal = Enumerable.Range(0, (int)NInst).Count(i => trained.RepresentedD(i).All(d => d > 0.9));
        var message = $"after training 8 instances on dense features (S = 0): {trained.Describe()}. ";
        // Reference, seeds 0-4: 8, 8, 8, 8, 8 of 8 instances represent exactly 2 features, features 0 and 1 every time, and
        // every represented feature has D_i ≥ 0.937 (mean 0.996 to 1.000). Two instances of 8 may still be converging.
        Assert.That(exactlyTwo, Is.GreaterThanOrEqualTo(6),
            message + "Instances with exactly d_hidden = 2 features of norm > 0.5: dense features leave no room for superposition");
        Assert.That(mostImportant, Is.GreaterThanOrEqualTo(6),
            message + "Instances whose represented features are 0 and 1, the two most important (importance 0.7^i)");
        Assert.That(orthogonal, Is.GreaterThanOrEqualTo(6),
            message + "Instances whose represented features all have D_i > 0.9, a dimension each");
    }

    [Test, Points(4)]
    public void SparseFeatures_AreAllStoredInSuperposition_AsAPentagonOrAntipodalPairs()
    {
        var trained = Train(sparsity: 0.99, importanceRatio: 0.9); // ARENA's importance 0.9^i: 1, 0.9, 0.81, ...

        static bool Near(IEnumerable<double> values, double target) => values.All(d => Math.Abs(d - target) < 0.05);
        var superposed = trained.Counts.Count(c => c > DHidden);
        var pentagons = Enumerable.Range(0, (int)NInst).Count(i => trained.Counts[i] == 5 && Near(trained.RepresentedD(i), 0.4));
        var pairs = Enumerable.Range(0, (int)NInst).Count(i => trained.Counts[i] == 4 && Near(trained.RepresentedD(i), 0.5));
        var message = $"after training 8 instances on sparse features (S = 0.99): {trained.Describe()}. ";
        // Reference, seeds 0-4: every instance represents 4 or 5 features (mean 5.0, 5.0, 5.0, 5.0, 4.875); 8, 8, 8, 8, 7
        // instances are pentagons (every D_i within 0.016 of 2/5) and the other one two antipodal pairs (D_i 0.493 to 0.507).
        Assert.That(superposed, Is.GreaterThanOrEqualTo(7),
            message + "Instances with more features of norm > 0.5 than d_hidden = 2: sparse features are stored in superposition");
        Assert.That(pentagons + pairs, Is.GreaterThanOrEqualTo(6),
            message + "Instances that are a pentagon (5 features, each D_i within 0.05 of 2/5) or antipodal pairs (4 features, each D_i within 0.05 of 1/2)");
        Assert.That(pentagons, Is.GreaterThanOrEqualTo(4),
            message + "Instances that are a regular pentagon (5 features, each D_i within 0.05 of 2/5), the paper's picture");
    }
}
