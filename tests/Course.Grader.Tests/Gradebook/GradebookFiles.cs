using Course.Gradebook;
using Course.Grader.Batch;
using Microsoft.Data.Sqlite;

namespace Course.Grader.Tests.Gradebook;

/// <summary>Gradebook files as older graders left them, and their rows read as raw columns.</summary>
static class GradebookFiles
{
    /// <summary>The tables as schema version 1 made them: no shard column.</summary>
    public const string Version1Schema = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE grades (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            assignment      TEXT NOT NULL,
            student         TEXT NOT NULL,
            repository      TEXT NOT NULL,
            commit_sha      TEXT,
            submission_key  TEXT NOT NULL,
            grader_version  TEXT NOT NULL,
            test_suite_hash TEXT NOT NULL,
            status          TEXT NOT NULL,
            score           REAL NOT NULL,
            max_score       REAL NOT NULL,
            tests_json      TEXT NOT NULL,
            late            INTEGER NOT NULL,
            submitted_at    TEXT,
            time_source     TEXT NOT NULL,
            graded_at       TEXT NOT NULL,
            message         TEXT NOT NULL,
            report_json     TEXT
        );
        CREATE INDEX grades_by_submission ON grades (assignment, student, submission_key, test_suite_hash);
        CREATE INDEX grades_by_student ON grades (assignment, student, id);
        """;

    /// <summary>A graded hw3-attention row of version 1, graded at <see cref="GradebookEntries.GradedAt"/>.</summary>
    public static string Version1Row(string student, double score) => $"""
        INSERT INTO grades (assignment, student, repository, commit_sha, submission_key, grader_version, test_suite_hash, status,
                            score, max_score, tests_json, late, submitted_at, time_source, graded_at, message, report_json)
        VALUES ('{GradebookEntries.Assignment}', '{student}', '/downloads/{student}.zip', NULL, 'sha256:{student}', '1.0.0', '{GradebookEntries.Suite}',
                'graded', {score}, 40, '[]', 0, NULL, 'none', '2025-03-02T09:30:00.0000000+00:00', 'summary', NULL);
        """;

    /// <summary>A gradebook at <paramref name="path"/> holding these rows, in this order.</summary>
    public static string Write(string path, params GradebookEntry[] rows)
    {
        using var gradebook = SqliteGradebook.Open(path);
        foreach (var row in rows) gradebook.Record(row);
        return path;
    }

    /// <summary>Every row of <c>grades</c> by id, each column as stored but the id: what a merge must keep or drop whole.</summary>
    public static IReadOnlyList<string> RawRows(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM grades ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join(" | ", Enumerable.Range(1, reader.FieldCount - 1).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }
}
