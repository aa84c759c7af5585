namespace Course.Grader.Manifest;

/// <summary>An assignment manifest that cannot be used; every problem found is listed.</summary>
public sealed class ManifestException(string path, IReadOnlyList<string> problems)
    : Exception($"{path} is invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    public string Path { get; } = path;

    public IReadOnlyList<string> Problems { get; } = problems;
}
