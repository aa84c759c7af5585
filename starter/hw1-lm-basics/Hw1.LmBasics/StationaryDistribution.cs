using TorchSharp;
using static TorchSharp.torch;

namespace Hw1.LmBasics;

/// <summary>
/// The stationary distribution of a Markov chain: the row vector pi with <c>pi M = pi</c>, <c>sum(pi) = 1</c>,
/// <c>pi &gt;= 0</c>. It is a LEFT eigenvector of M for eigenvalue 1 (a right eigenvector of M^T); the right
/// eigenvector <c>M x = x</c> of a row-stochastic M is the all-ones vector, which says nothing. Levin, Peres and
/// Wilmer, "Markov Chains and Mixing Times", chapter 1.
/// </summary>
public static class StationaryDistribution
{
    /// <summary>
    /// pi of the row-stochastic <c>M [V, V]</c>, as <c>[V]</c> float64 on the device of M, with
    /// <c>|pi M - pi| &lt;= 1e-10</c>. M has a unique pi: every state can reach every other (true when all entries are
    /// positive, e.g. after add-alpha smoothing with alpha &gt; 0), except perhaps states that nothing leads to, whose
    /// pi is 0. Any method that reaches that precision is fine: power iteration until a step changes pi by less than
    /// about 1e-13, however many steps that takes (slowly mixing chains take tens of thousands; no fixed count is
    /// enough; every M the tests give is aperiodic, where it converges, unlike a chain that cycles, such as two states
    /// that swap), or a linear solve of <c>(M^T - I) pi = 0</c> with one equation replaced by <c>sum(pi) = 1</c>.
    /// </summary>
    public static Tensor Compute(Tensor M)
    {
        throw new NotImplementedException("StationaryDistribution.Compute: solve (M^T - I) pi = 0 with the last equation replaced by sum(pi) = 1 (torch.linalg.solve), or power-iterate pi <- pi M");
    }
}
