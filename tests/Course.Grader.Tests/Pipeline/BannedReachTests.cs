using Course.Grader.Analyze;
using Course.Grader.Pipeline;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// Which tests reach a banned use is read within what the compile and check left of their limit; where it could not be
/// read in time (<see cref="BannedReach.AgainstEveryTest"/>), the use counts against every test, as one no test's calls
/// reach does.
/// </summary>
public class BannedReachTests
{
    [Test]
    public void Given_reach_not_read_in_time_Then_the_first_use_counts_against_every_test_and_says_so()
    {
        AnalysisFinding Use(string file, int line) => new(FindingKind.BannedApi, file, line, 5, "sdpa", "Write attention yourself.", "M:X.F");

        var reached = BannedReach.AgainstEveryTest([Use("B.cs", 3), Use("A.cs", 9), Use("A.cs", 2)], ["T.One", "T.Two", "T.One"]);

        Assert.That(reached.Keys, Is.EquivalentTo(new[] { "T.One", "T.Two" }));
        Assert.That(reached.Values.Select(v => (v.File, v.Line)), Has.All.EqualTo(("A.cs", 2)), "the use the summary names first");
        Assert.That(reached["T.One"].Message, Is.EqualTo($"Write attention yourself. {BannedReach.AnyTest}"));
    }
}
