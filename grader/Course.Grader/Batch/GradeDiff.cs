namespace Course.Grader.Batch;

/// <summary>How one test's result moved between two grades; null on a side where the test did not exist.</summary>
public sealed record TestChange(string Name, bool? WasPassed, bool? NowPassed, double OldScore, double NewScore);

/// <summary>A student's regrade: the old and new score, and the tests whose result or points changed.</summary>
public sealed record GradeDiff(string Student, GradebookEntry Old, GradebookEntry New, IReadOnlyList<TestChange> ChangedTests)
{
    public bool Changed => Old.Score != New.Score || Old.MaxScore != New.MaxScore || Old.Status != New.Status || ChangedTests.Count > 0;

    public static GradeDiff Between(GradebookEntry old, GradebookEntry now)
    {
        var before = old.Tests.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var after = now.Tests.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var changes = before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(name => (Old: before.GetValueOrDefault(name), New: after.GetValueOrDefault(name), Name: name))
            .Where(t => t.Old?.Passed != t.New?.Passed || t.Old?.Score != t.New?.Score)
            .Select(t => new TestChange(t.Name, t.Old?.Passed, t.New?.Passed, t.Old?.Score ?? 0, t.New?.Score ?? 0))
            .ToList();
        return new GradeDiff(now.Student, old, now, changes);
    }
}
