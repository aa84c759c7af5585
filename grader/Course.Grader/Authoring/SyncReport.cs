namespace Course.Grader.Authoring;

/// <summary>
/// How a homework's starter folder differs from what the reference generates. Paths are relative to the starter
/// folder. After <see cref="StarterSync.Apply"/> the lists say what was written or deleted.
/// </summary>
public sealed record SyncReport(string Id, IReadOnlyList<string> Stale, IReadOnlyList<string> Missing, IReadOnlyList<string> Extra)
{
    public bool IsUpToDate => Stale.Count == 0 && Missing.Count == 0 && Extra.Count == 0;
}
