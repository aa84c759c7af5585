namespace Course.Grader.Run;

/// <summary>
/// The tests of a run and the result of each, filled in across worker starts: what workers reported,
/// and what the run stage decided for the tests a worker could not finish.
/// </summary>
sealed class RunLedger
{
    readonly List<TestCaseSpec> planned = [];
    readonly HashSet<string> plannedNames = new(StringComparer.Ordinal);
    readonly Dictionary<string, TestCaseResult> results = new(StringComparer.Ordinal);

    public bool HasPlan => planned.Count > 0;

    public int PlannedCount => planned.Count;

    public int AccountedCount => results.Count;

    public bool AllAccounted => planned.All(test => results.ContainsKey(test.FullName));

    /// <summary>Full names of the tests a new worker must skip.</summary>
    public IReadOnlySet<string> Accounted => results.Keys.ToHashSet(StringComparer.Ordinal);

    public void Add(IEnumerable<TestCaseSpec> plan, IEnumerable<TestCaseResult> reported)
    {
        foreach (var test in plan.Where(test => plannedNames.Add(test.FullName))) planned.Add(test);
        foreach (var result in reported)
        {
            if (plannedNames.Add(result.Test.FullName)) planned.Add(result.Test);
            results.TryAdd(result.Test.FullName, result);
        }
    }

    /// <summary>
    /// Fails the test that was running when the worker ended, or, when it ended in a fixture's setup or
    /// teardown, the fixture's tests that have no result; returns their names.
    /// </summary>
    public IReadOnlyList<string> FailCulprits(AttemptReport attempt, string reason)
    {
        if (attempt.InFlightTest is { } name && planned.FirstOrDefault(t => t.FullName == name) is { } test)
        {
            results.TryAdd(name, TestCaseResult.Stopped(test, reason, attempt.InFlightSeconds));
            return [name];
        }
        var suite = attempt.InFlightSuites.Count > 0 ? attempt.InFlightSuites[^1] : null;
        if (suite is null) return [];
        var culprits = Unaccounted().Where(t => InSuite(t, suite)).ToList();
        foreach (var culprit in culprits)
            results.TryAdd(culprit.FullName, TestCaseResult.Stopped(culprit, $"{reason} (in {suite}, before or after this test)"));
        return culprits.Select(t => t.FullName).ToList();
    }

    public void FailUnaccounted(TestOutcome outcome, string reason)
    {
        foreach (var test in Unaccounted().ToList())
            results.TryAdd(test.FullName, TestCaseResult.Stopped(test, reason) with { Outcome = outcome });
    }

    /// <summary>A result for every planned test, in plan order.</summary>
    public IReadOnlyList<TestCaseResult> Results() =>
        planned.Where(t => results.ContainsKey(t.FullName)).Select(t => results[t.FullName]).ToList();

    IEnumerable<TestCaseSpec> Unaccounted() => planned.Where(t => !results.ContainsKey(t.FullName));

    /// <summary>Fixtures and namespaces prefix their tests' names; an assembly suite is named by its file path.</summary>
    static bool InSuite(TestCaseSpec test, string suite) =>
        test.FullName.StartsWith(suite + ".", StringComparison.Ordinal)
        || test.FullName.StartsWith(suite + "(", StringComparison.Ordinal)
        || (suite.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            && string.Equals(Path.GetFileNameWithoutExtension(suite), test.Suite, StringComparison.Ordinal));
}
