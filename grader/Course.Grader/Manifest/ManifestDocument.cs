namespace Course.Grader.Manifest;

// The YAML shape of assignment.yaml, as YamlDotNet reads it (underscored names). Everything is nullable so
// that a missing key becomes a clear validation error instead of a half-built manifest.

internal sealed class ManifestDocument
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Project { get; set; }
    public string? PublicTests { get; set; }
    public string? HiddenTests { get; set; }
    public List<string?>? StudentFiles { get; set; }
    public List<BannedApiDocument?>? BannedApis { get; set; }
    public List<AllowedApiDocument?>? AllowedApis { get; set; }
    public string? BannedPolicy { get; set; }
    public LimitsDocument? Limits { get; set; }
    public Dictionary<string, TestOverrideDocument?>? Tests { get; set; }
    public string? DueDate { get; set; }
}

internal sealed class BannedApiDocument
{
    public string? Id { get; set; }
    public string? Message { get; set; }
}

internal sealed class AllowedApiDocument
{
    public string? Id { get; set; }
    public string? Reason { get; set; }
}

internal sealed class LimitsDocument
{
    public int? TestTimeoutSeconds { get; set; }
    public int? TotalTimeoutSeconds { get; set; }
    public int? MemoryMb { get; set; }
    public int? CompileTimeoutSeconds { get; set; }
}

internal sealed class TestOverrideDocument
{
    public double? Points { get; set; }
    public string? Visibility { get; set; }
}
