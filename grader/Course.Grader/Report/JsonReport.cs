using System.Text.Json;
using System.Text.Json.Serialization;
using Course.Grader.Score;

namespace Course.Grader.Report;

/// <summary>The full report as versioned JSON (schema_version), for gradebooks and regrade diffs.</summary>
public static class JsonReport
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Write(GradeReport report) => JsonSerializer.Serialize(report, Options);

    public static GradeReport Read(string json) =>
        JsonSerializer.Deserialize<GradeReport>(json, Options) ?? throw new JsonException("empty grade report");
}
