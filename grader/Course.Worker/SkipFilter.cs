using Course.Grader.Run;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace Course.Worker;

/// <summary>
/// Runs every test case except those already accounted for by an earlier worker (done, or the culprit
/// of a hang or crash), and, when <paramref name="only"/> names any, only those; of them, those <paramref name="later"/>
/// names when <paramref name="deferred"/>, the others when not (<see cref="WorkerOptions.Later"/>). Explicit tests stay
/// unrun, as with an empty filter.
/// </summary>
sealed class SkipFilter(IReadOnlySet<string> skip, IReadOnlyList<string> only, IReadOnlyList<string>? later = null, bool deferred = false) : TestFilter
{
    public override bool Match(ITest test) =>
        !test.IsSuite && !skip.Contains(test.FullName) && (only.Count == 0 || only.Any(name => TestNames.Selects(name, test.FullName)))
        && (later ?? []).Any(name => TestNames.Selects(name, test.FullName)) == deferred;

    public override bool IsExplicitMatch(ITest test) => false;

    public override TNode AddToXml(TNode parentNode, bool recursive)
    {
        var node = parentNode.AddElement("course-skip");
        foreach (var name in skip) node.AddElement("test", name);
        return node;
    }
}
