namespace Course.Grader.Workspace;

/// <summary>Caps on what an archive may unpack to: a zip bomb or a huge upload stops here.</summary>
public sealed record ExtractionLimits(long MaxTotalBytes, long MaxFileBytes, int MaxFiles)
{
    public static readonly ExtractionLimits Default = new(MaxTotalBytes: 64L << 20, MaxFileBytes: 16L << 20, MaxFiles: 5000);
}
