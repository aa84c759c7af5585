namespace Course.Grader.Authoring;

/// <summary>A misused solution marker, located by file and 1-based line.</summary>
public sealed record MarkerError(string Path, int Line, string Message)
{
    public override string ToString() => $"{Path}:{Line}: {Message}";
}
