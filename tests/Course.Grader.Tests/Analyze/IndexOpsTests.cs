using Course.Grader.Analyze;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// The TorchSharp ops that take a tensor of indices (<see cref="SandboxPolicy.TakesIndices"/>): homework code may use only
/// those whose indices libtorch checks (<see cref="SandboxPolicy.ReviewedIndexOps"/>). Each reviewed op is run here with an
/// index out of range, in a worker, and must throw (or, for split points, stay within the tensor); an op that takes indices
/// and is not reviewed, as a TorchSharp upgrade may bring, is refused.
/// </summary>
public class IndexOpsTests
{
    [Test]
    public void Given_every_public_TorchSharp_member_that_takes_indices_When_checked_Then_exactly_the_reviewed_ones_are_allowed()
    {
        var (torch, homework) = AllowListTests.TorchSharpAndHomework();
        var allow = SandboxPolicy.For([]);
        var takingIndices = AllowListTests.PublicMembers(torch.GlobalNamespace)
            .Where(m => m is IMethodSymbol or IPropertySymbol or INamedTypeSymbol && SandboxPolicy.TakesIndices(m).Count > 0)
            .ToList();

        var allowed = takingIndices.Where(m => allow.Verdict(m, homework) is null).Select(SandboxPolicy.IndexOpName).ToHashSet(StringComparer.Ordinal);
        var refused = takingIndices.Where(m => allow.Verdict(m, homework) is not null).Select(SandboxPolicy.IndexOpName).ToHashSet(StringComparer.Ordinal);

        Assert.That(allowed, Is.EquivalentTo(SandboxPolicy.ReviewedIndexOps), "every reviewed op exists in TorchSharp and is allowed, and no other op that takes indices is");
        Assert.That(refused, Is.SupersetOf(new[] { "ldl_solve", "ctc_loss", "CTCLoss", "sparse_coo_tensor", "index_reduce", "pack_padded_sequence", "PackedSequence" }));
    }

    [TestCase("return linalg.ldl_solve(x, x.to(ScalarType.Int32), x);", "ldl_solve", "pivots")]
    [TestCase("return nn.utils.rnn.pack_padded_sequence(x, x.to(ScalarType.Int64));", "pack_padded_sequence", "lengths")]
    [TestCase("var packed = nn.utils.rnn.pack_sequence(new[] { x }); return packed.batch_sizes;", "PackedSequence", "batch_sizes, sorted_indices, unsorted_indices")]
    public void Given_an_op_that_takes_indices_and_is_not_reviewed_When_analyzed_Then_it_is_refused_naming_its_indices(string body, string op, string parameter)
    {
        var (compiled, analysis) = AllowListTests.Check(body);

        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Diagnostics));
        Assert.That(analysis!.Violations.Select(v => v.Message), Has.Some.StartsWith($"Homework code may not use {op}: it takes or holds a tensor of indices ({parameter}), and libtorch does not check every op's indices"));
    }

    [TestCase("return x.gather(0, x.to(ScalarType.Int64));")]
    [TestCase("return x[x.to(ScalarType.Int64)];")]
    [TestCase("return x.index_put_(x, x.to(ScalarType.Int64));")]
    [TestCase("return nn.functional.max_unpool1d(x, x.to(ScalarType.Int64), 2);")]
    [TestCase("return nn.EmbeddingBag(4, 2).call(x.to(ScalarType.Int64), x.to(ScalarType.Int64));")]
    public void Given_a_reviewed_op_When_analyzed_Then_it_is_allowed(string body) =>
        Assert.That(AllowListTests.Check(body).Analysis!.Violations, Is.Empty);

    /// <summary>
    /// A tripwire that runs: each reviewed op, given an index out of range (100 into 64 elements, or a pivot, sorter, offset
    /// or pooling index past its tensor), throws libtorch's error; split points past the end give the tensor's own values.
    /// One test per op, so that an op that crashed the worker is named by the test it ran in.
    /// </summary>
    [Test]
    public async Task Given_each_reviewed_op_When_run_with_an_index_out_of_range_Then_libtorch_refuses_it()
    {
        var run = await TinyHomework.RunAsync("namespace Tiny.Homework; public static class Nothing { }", Probes, new RunLimits(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(180), 2048));

        var probed = run.Tests.Select(t => t.Test.Name).ToList();
        Assert.That(run.Tests.Where(t => t.Outcome != TestOutcome.Passed).Select(t => $"{t.Test.Name}: {t.Outcome} {t.Message}"), Is.Empty,
            "an op that took an index out of range without an error: take it out of SandboxPolicy.ReviewedIndexOps");
        Assert.That(SandboxPolicy.ReviewedIndexOps.Where(op => !probed.Any(p => p == op || p.StartsWith(op + "_", StringComparison.Ordinal) && !SandboxPolicy.ReviewedIndexOps.Contains(p))),
            Is.Empty, "every reviewed op has a probe named after it");
    }

    /// <summary>The probes: test code, which may call what homework code may not; each test is named after the op it runs.</summary>
    const string Probes = """
        using System;
        using System.Linq;
        using Course.Testing;
        using NUnit.Framework;
        using TorchSharp;
        using static TorchSharp.torch;

        namespace Tiny.Homework.Tests;

        public class Probes : TorchTest
        {
            static Tensor X => arange(64, dtype: ScalarType.Float32);
            static Tensor Past => tensor(new long[] { 100 });
            static Tensor One => ones(1);

            static void Refused(Func<Tensor> op) => Assert.That(() => op().sum().ToSingle(), Throws.Exception);

            [Test, Points(1)] public void gather() => Refused(() => X.gather(0, Past));
            [Test, Points(1)] public void take() => Refused(() => X.take(Past));
            [Test, Points(1)] public void take_along_dim() => Refused(() => X.take_along_dim(Past));
            /// <summary>Along a dimension, TorchSharp 0.107 takes an index modulo the dimension's size (100 of 64 gives element 36): never past the tensor.</summary>
            [Test, Points(1)] public void take_along_dim_wraps() => Assert.That(X.take_along_dim(tensor(new long[] { 100, 100_000_000, -1000 }), 0).data<float>().ToArray(), Is.EqualTo(new[] { 36f, 0f, 24f }));
            [Test, Points(1)] public void index_select() => Refused(() => X.index_select(0, Past));
            [Test, Points(1)] public void index() => Refused(() => X.index(TensorIndex.Tensor(Past)));
            [Test, Points(1)] public void TensorItems() => Refused(() => X[Past]);
            [Test, Points(1)] public void TensorItems_set() => Refused(() => { var x = X; x[Past] = One; return x; });
            [Test, Points(1)] public void index_put_() => Refused(() => X.index_put_(One, Past));
            [Test, Points(1)] public void index_put_accumulate() => Refused(() => X.index_put_(One, [Past], accumulate: true));
            [Test, Points(1)] public void scatter() => Refused(() => X.scatter(0, Past, One));
            [Test, Points(1)] public void scatter_() => Refused(() => X.scatter_(0, Past, One));
            [Test, Points(1)] public void scatter_add() => Refused(() => X.scatter_add(0, Past, One));
            [Test, Points(1)] public void scatter_add_() => Refused(() => X.scatter_add_(0, Past, One));
            [Test, Points(1)] public void index_add() => Refused(() => X.index_add(0, Past, One, 1));
            [Test, Points(1)] public void index_add_() => Refused(() => X.index_add_(0, Past, One, 1));
            [Test, Points(1)] public void index_copy() => Refused(() => X.index_copy(0, Past, One));
            [Test, Points(1)] public void index_copy_() => Refused(() => X.index_copy_(0, Past, One));
            [Test, Points(1)] public void index_fill() => Refused(() => X.index_fill(0, Past, 1));
            [Test, Points(1)] public void index_fill_() => Refused(() => X.index_fill_(0, Past, 1));
            [Test, Points(1)] public void searchsorted() => Refused(() => torch.searchsorted(X, One, sorter: full(64, 100L, ScalarType.Int64)));

            static (Tensor LU, Tensor Pivots) Factored => linalg.lu_factor(eye(3) + ones(3, 3));
            [Test, Points(1)] public void lu_solve() => Refused(() => linalg.lu_solve(Factored.LU, Factored.Pivots + 100, ones(3, 1)));
            [Test, Points(1)] public void lu_solve_old() => Refused(() => torch.lu_solve(ones(3, 1), Factored.LU, Factored.Pivots + 100));
            [Test, Points(1)] public void lu_unpack() => Refused(() => torch.lu_unpack(Factored.LU, Factored.Pivots + 100).P);

            static Tensor Pooled => ones(1, 1, 4);
            static Tensor PastPool(params long[] shape) => full(shape, 5000L, ScalarType.Int64);
            [Test, Points(1)] public void max_unpool1d() => Refused(() => nn.functional.max_unpool1d(Pooled, PastPool(1, 1, 4), 2));
            [Test, Points(1)] public void max_unpool2d() => Refused(() => nn.functional.max_unpool2d(ones(1, 1, 2, 2), PastPool(1, 1, 2, 2), [2, 2]));
            [Test, Points(1)] public void max_unpool3d() => Refused(() => nn.functional.max_unpool3d(ones(new long[] { 1, 1, 1, 2, 2 }), PastPool(1, 1, 1, 2, 2), [1, 2, 2]));
            [Test, Points(1)] public void MaxUnpool1d() => Refused(() => nn.MaxUnpool1d(2).call(Pooled, PastPool(1, 1, 4)));
            [Test, Points(1)] public void MaxUnpool2d() => Refused(() => nn.MaxUnpool2d([2, 2]).call(ones(1, 1, 2, 2), PastPool(1, 1, 2, 2)));
            [Test, Points(1)] public void MaxUnpool3d() => Refused(() => nn.MaxUnpool3d([1, 2, 2]).call(ones(new long[] { 1, 1, 1, 2, 2 }), PastPool(1, 1, 1, 2, 2)));
            [Test, Points(1)] public void EmbeddingBag() => Refused(() => nn.EmbeddingBag(8, 4).call(tensor(new long[] { 1, 2, 3 }), tensor(new long[] { 0, 100 })));

            /// <summary>Split points past the end are clamped to it: the pieces are the tensor's own 64 values, nothing past them.</summary>
            static void Clamped(Tensor[] pieces) => Assert.That(cat(pieces.Select(p => p.flatten()).ToArray()).data<float>().ToArray(), Is.EqualTo(Enumerable.Range(0, 64).Select(i => (float)i).ToArray()));
            [Test, Points(1)] public void tensor_split() => Clamped(X.tensor_split(tensor(new long[] { 10, 100, 1000 })));
            [Test, Points(1)] public void hsplit() => Clamped(X.reshape(64, 1).hsplit(tensor(new long[] { 3, 100 })));
            [Test, Points(1)] public void vsplit() => Clamped(X.reshape(8, 8).vsplit(tensor(new long[] { 3, 100 })));
            [Test, Points(1)] public void dsplit() => Clamped(X.reshape(1, 1, 64).dsplit(tensor(new long[] { 3, 100 })));
        }
        """;
}
