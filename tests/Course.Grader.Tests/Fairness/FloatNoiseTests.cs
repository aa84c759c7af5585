using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// The float noise `course validate` puts on a homework: which calls get it, that it is the size and the fixed function
/// promised, that exact operations stay exact, and that it flows through layers the way other hardware's rounding does.
/// </summary>
public class FloatNoiseTests
{
    const string Homework = """
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Tiny.Homework;

        public sealed class Layer : nn.Module<Tensor, Tensor>
        {
            readonly TorchSharp.Modules.Linear linear = nn.Linear(4, 4);
            public Layer() : base("Layer") => RegisterComponents();
            public override Tensor forward(Tensor x) => linear.call(x);
        }

        public static class Ops
        {
            public static Tensor Product(Tensor a, Tensor b) => torch.matmul(a, b);
            public static Tensor Masked(Tensor scores, Tensor mask) => scores.masked_fill(mask, float.NegativeInfinity);
            public static Tensor Double(Tensor x) => x.mul(2).add_(0);
            public static Tensor Softmax(Tensor x) => torch.nn.functional.softmax(x, -1);
            public static Tensor Ln(Tensor x) => x.log();
            public static Tensor Through(Layer layer, Tensor x) => layer.call(x);
            public static (Tensor Sum, long Count) Total(Tensor x) => (x.sum(), x.numel());
            public static Func<Tensor, Tensor> Exp => t => t.exp();
            public static Tensor Kept(Tensor a, Tensor b) => (a + b).MoveToOuterDisposeScope();
            public static Tensor Outer(Tensor a, Tensor b) => torch.outer(a, b);
            public static Tensor Mean(Tensor x) => x.mean();
        }
        """;

    static readonly Lazy<AssemblySources> Noisy = new(() => FloatNoise.Apply(
        new AssemblySources("Tiny.Homework", [new SourceFile("Ops.cs", Homework)]), TinyHomework.Worker.Value.LibraryAssemblies));

    static string Rewritten => Noisy.Value.Files.Single(f => f.Path == "Ops.cs").Text;

    [Test]
    public void Given_a_homework_file_Then_inexact_TorchSharp_calls_get_the_noise_and_exact_ones_stay_as_written()
    {
        Assert.That(Rewritten, Does.Contain("Noise.ApplyKeepingWholeNumbers(torch.matmul(a, b))"));
        Assert.That(Rewritten, Does.Contain("Noise.Apply(torch.nn.functional.softmax(x, -1))"));
        Assert.That(Rewritten, Does.Contain("Noise.Apply(x.log())"));
        Assert.That(Rewritten, Does.Contain("Noise.ApplyKeepingWholeNumbers(x.sum())"), "inside a returned tuple");
        Assert.That(Rewritten, Does.Contain("Noise.Apply(t.exp())"), "inside a lambda");
        Assert.That(Rewritten, Does.Contain("Noise.Apply(linear.call(x))"), "a TorchSharp layer computes");
        Assert.That(Rewritten, Does.Contain("=> layer.call(x);"), "a homework module's own calls get the noise, not its result");
        Assert.That(Rewritten, Does.Contain("=> scores.masked_fill(mask, float.NegativeInfinity);"));
        Assert.That(Rewritten, Does.Contain("=> x.mul(2).add_(0);"), "elementwise products and in-place calls are exact");
        Assert.That(Rewritten, Does.Contain("=> (a + b).MoveToOuterDisposeScope();"),
            "a tensor handed to the outer dispose scope stays that tensor (a noisy copy would be made in, and disposed with, the inner one)");
        Assert.That(Rewritten, Does.Contain("=> torch.outer(a, b);"), "an outer product is one multiplication per element");
        Assert.That(Noisy.Value.Files.Select(f => f.Path), Does.Contain(FloatNoise.HelperPath));
    }

    [Test]
    public void Given_a_given_library_Then_its_code_gets_the_noise_under_a_content_hash_of_its_own()
    {
        var library = new GivenLibrarySources(new GivenLibraryProject("Tiny.Given", "/nowhere/Tiny.Given"),
            new AssemblySources("Tiny.Given", [new SourceFile("Ops.cs", Homework.Replace("Tiny.Homework", "Tiny.Given"))]), [], "0123456789abcdef");

        var noisy = FloatNoise.Apply(library, TinyHomework.Worker.Value.LibraryAssemblies);

        Assert.That(noisy.Sources.Files.Single(f => f.Path == "Ops.cs").Text, Does.Contain("Noise.ApplyKeepingWholeNumbers(torch.matmul(a, b))").And.Contain("=> x.mul(2).add_(0);"));
        Assert.That(noisy.Sources.Files.Select(f => f.Path), Does.Contain(FloatNoise.HelperPath));
        Assert.That(noisy.ContentHash, Is.Not.EqualTo(library.ContentHash), "the compiled-library cache must not hand out one for the other");
        Assert.That(noisy.Project, Is.EqualTo(library.Project));
    }

    [Test]
    public void Given_the_courses_hooked_model_Then_its_attention_and_mlp_arithmetic_get_the_noise()
    {
        var layout = CourseLayout.FindFrom(AppContext.BaseDirectory);
        var lens = GivenLibraries.Read(layout, new GivenLibraryProject("Course.Lens", Path.Combine(layout.ModelsDir, "Course.Lens")));

        var noisy = FloatNoise.Apply(lens, TinyHomework.Worker.Value.LibraryAssemblies).Sources.Files;

        Assert.That(noisy.Single(f => f.Path.EndsWith("AttentionHooked.cs", StringComparison.Ordinal)).Text,
            Does.Contain("Noise.Apply(scores.softmax(-1))").And.Contain("Noise.ApplyKeepingWholeNumbers(pattern.matmul(v))").And.Contain(".masked_fill(future, double.NegativeInfinity)"));
        Assert.That(noisy.Single(f => f.Path.EndsWith("MlpHooked.cs", StringComparison.Ordinal)).Text, Does.Contain("Noise.ApplyKeepingWholeNumbers(x.matmul(W_in))"));
    }

    const string Tests = """
        using Course.Testing;
        using NUnit.Framework;
        using Tiny.Homework;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Tiny.Homework.Tests;

        public class NoiseTests : TorchTest
        {
            static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

            [Test, Points(1)]
            public void Float32_results_move_by_about_a_millionth_and_always_the_same_way()
            {
                var a = new Seeded(1).Randn([8, 8]);
                var b = new Seeded(2).Randn([8, 8]);
                var noisy = Ops.Product(a, b);
                var plain = torch.matmul(a, b);
                var relative = ((noisy - plain).abs() / plain.abs().clamp_min(1e-3)).max().item<float>();
                Assert.That(relative, Is.GreaterThan(1e-7).And.LessThan(2e-6), "about 1e-6 relative");
                Assert.That(Same(Ops.Product(a, b), noisy), Is.True, "a fixed function of each value");
            }

            [Test, Points(1)]
            public void Float64_results_move_by_the_same_number_of_ulps()
            {
                var a = new Seeded(1).Randn([8, 8]).to_type(ScalarType.Float64);
                var b = new Seeded(2).Randn([8, 8]).to_type(ScalarType.Float64);
                var relative = ((Ops.Product(a, b) - torch.matmul(a, b)).abs() / torch.matmul(a, b).abs().clamp_min(1e-3)).max().item<double>();
                Assert.That(relative, Is.GreaterThan(1e-17).And.LessThan(4e-15));
            }

            [Test, Points(1)]
            public void Exact_operations_and_infinities_stay_exact_and_gradients_flow()
            {
                var scores = new Seeded(3).Randn([4, 4]);
                var mask = torch.ones(4, 4, dtype: ScalarType.Bool).triu(1);
                Assert.That(Same(Ops.Masked(scores, mask), scores.masked_fill(mask, float.NegativeInfinity)), Is.True);
                var logs = Ops.Ln(torch.tensor(new[] { 0f, 1f, 2f }));
                Assert.That(logs[0].item<float>(), Is.EqualTo(float.NegativeInfinity));
                Assert.That(logs[1].item<float>(), Is.EqualTo(0f));
                var x = new Seeded(4).Randn([3]).requires_grad_(true);
                Ops.Total(x).Sum.backward();
                Assert.That(Same(x.grad!, torch.ones(3)), Is.True, "the noise is a constant to autograd");
            }

            [Test, Points(1)]
            public void Whole_sums_and_products_that_every_machine_computes_exactly_stay_whole_and_the_rest_still_moves()
            {
                // A count of 0s and 1s, and a product of one-hot matrices (counts of pairs): whole on every machine.
                var flags = (new Seeded(6).Rand([1000]) > 0.5).to_type(ScalarType.Float32);
                var (count, _) = Ops.Total(flags);
                Assert.That(count.item<float>(), Is.EqualTo((float)flags.gt(0.5).sum().item<long>()), "a sum of 0s and 1s");
                var oneHot = torch.nn.functional.one_hot(new Seeded(7).Randint(0, 5, [200]), 5).to_type(ScalarType.Float64);
                var pairs = Ops.Product(oneHot.t(), oneHot);
                Assert.That(Same(pairs, pairs.round()), Is.True, "a product of one-hot matrices counts pairs");
                var values = new Seeded(8).Randn([100]);
                var (sum, _) = Ops.Total(values);
                Assert.That(sum.item<float>(), Is.Not.EqualTo(values.sum().item<float>()), "a sum that is not whole still moves");
                var mean = Ops.Mean(torch.tensor(new[] { 1f, 2f, 6f }));
                Assert.That(mean.item<float>(), Is.Not.EqualTo(3f), "a mean divides, and may round on other hardware: a whole mean still moves");
                var (large, _) = Ops.Total(torch.tensor(new[] { 16777216f, 16777216f }));
                Assert.That(large.item<float>(), Is.Not.EqualTo(33554432f), "a whole float32 beyond 2^24, where sums round, still moves");
            }

            [Test, Points(1)]
            public void Noise_through_layers_breaks_an_elementwise_tolerance_that_only_holds_in_one_order()
            {
                using var layer = new Layer();
                var x = new Seeded(5).Randn([64, 4]);
                var y = x;
                for (var i = 0; i < 8; i++) y = Ops.Through(layer, y);
                var plain = x;
                for (var i = 0; i < 8; i++) plain = torch.nn.functional.linear(plain, layer.parameters().First(), layer.parameters().Last());
                Assert.That(TensorAssert.CloseFailure(y, plain, new Tolerance(1e-6, 0)), Is.Not.Null, "an elementwise 1e-6 fails under the noise");
                Assert.That(TensorAssert.CloseFailure(y, plain), Is.Null, "the SDK's tolerance, at the tensor's scale, holds");
            }
        }
        """;

    [Test]
    public async Task Given_the_noisy_homework_When_its_tests_run_Then_the_noise_is_the_promised_size_and_function()
    {
        var compiled = CompileStage.Compile(new CompileRequest(Noisy.Value, [new AssemblySources(TinyHomework.TestsName, [new SourceFile("NoiseTests.cs", Tests)])],
            TinyHomework.Worker.Value.LibraryAssemblies));
        Assert.That(compiled.Success, Is.True, () => string.Join("\n", compiled.Homework.Diagnostics.Concat(compiled.TestSuites.SelectMany(s => s.Diagnostics))));

        var run = await RunStage.RunAsync(new RunRequest(compiled.Homework.Assembly!, [new TestSuiteBinary(compiled.TestSuites[0].Assembly!, null)],
            new RunLimits(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90), 2048), TinyHomework.Worker.Value));

        Assert.That(run.Tests, Has.Count.EqualTo(5));
        Assert.That(run.Tests.Where(t => t.Outcome != TestOutcome.Passed).Select(t => $"{t.Test.Name}: {t.Message}"), Is.Empty);
    }
}
