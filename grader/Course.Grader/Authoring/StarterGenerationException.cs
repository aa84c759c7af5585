namespace Course.Grader.Authoring;

/// <summary>The reference cannot be turned into a starter; every marker error found is listed.</summary>
public sealed class StarterGenerationException(IReadOnlyList<MarkerError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<MarkerError> Errors { get; } = errors;
}
