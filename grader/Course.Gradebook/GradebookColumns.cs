using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Course.Grader.Batch;
using Microsoft.Data.Sqlite;

namespace Course.Gradebook;

/// <summary>How a <see cref="GradebookEntry"/> is written to and read from a row of <c>grades</c>.</summary>
static class GradebookColumns
{
    public const string Select = """
        SELECT id, assignment, student, repository, commit_sha, submission_key, grader_version, test_suite_hash, status,
               score, max_score, tests_json, late, submitted_at, time_source, graded_at, message, report_json, shard
        FROM grades
        """;

    public const string Insert = """
        INSERT INTO grades (assignment, student, repository, commit_sha, submission_key, grader_version, test_suite_hash, status,
                            score, max_score, tests_json, late, submitted_at, time_source, graded_at, message, report_json, shard)
        VALUES ($assignment, $student, $repository, $commit, $key, $grader, $suite, $status,
                $score, $max, $tests, $late, $submitted, $time_source, $graded, $message, $report, $shard)
        RETURNING id
        """;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Bind(SqliteCommand command, GradebookEntry entry)
    {
        var p = command.Parameters;
        p.AddWithValue("$assignment", entry.Assignment);
        p.AddWithValue("$student", entry.Student);
        p.AddWithValue("$repository", entry.Repository);
        p.AddWithValue("$commit", (object?)entry.Commit ?? DBNull.Value);
        p.AddWithValue("$key", entry.SubmissionKey);
        p.AddWithValue("$grader", entry.GraderVersion);
        p.AddWithValue("$suite", entry.TestSuiteHash);
        p.AddWithValue("$status", Name(entry.Status));
        p.AddWithValue("$score", entry.Score);
        p.AddWithValue("$max", entry.MaxScore);
        p.AddWithValue("$tests", JsonSerializer.Serialize(entry.Tests, Json));
        p.AddWithValue("$late", entry.Late ? 1 : 0);
        p.AddWithValue("$submitted", (object?)entry.SubmittedAt?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) ?? DBNull.Value);
        p.AddWithValue("$time_source", Name(entry.TimeSource));
        p.AddWithValue("$graded", entry.GradedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        p.AddWithValue("$message", entry.Message);
        p.AddWithValue("$report", (object?)entry.ReportJson ?? DBNull.Value);
        p.AddWithValue("$shard", (object?)entry.Shard ?? DBNull.Value);
    }

    public static GradebookEntry Read(SqliteDataReader row)
    {
        var entry = new GradebookEntry(
            Assignment: row.GetString(1),
            Student: row.GetString(2),
            Repository: row.GetString(3),
            Commit: row.IsDBNull(4) ? null : row.GetString(4),
            SubmissionKey: row.GetString(5),
            GraderVersion: row.GetString(6),
            TestSuiteHash: row.GetString(7),
            Status: Parse<EntryStatus>(row.GetString(8)),
            Score: row.GetDouble(9),
            MaxScore: row.GetDouble(10),
            Tests: JsonSerializer.Deserialize<List<GradedTest>>(row.GetString(11), Json) ?? [],
            Late: row.GetInt64(12) != 0,
            SubmittedAt: row.IsDBNull(13) ? null : Time(row.GetString(13)),
            TimeSource: Parse<SubmissionTimeSource>(row.GetString(14)),
            GradedAt: Time(row.GetString(15)),
            Message: row.GetString(16),
            ReportJson: row.IsDBNull(17) ? null : row.GetString(17));
        return entry with { Id = row.GetInt64(0), Shard = row.IsDBNull(18) ? null : row.GetString(18) };
    }

    /// <summary>An enum value as stored and exported: <c>compile_error</c>, <c>file_time</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    static T Parse<T>(string name) where T : struct, Enum =>
        Enum.GetValues<T>().Single(v => Name(v) == name);

    static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
