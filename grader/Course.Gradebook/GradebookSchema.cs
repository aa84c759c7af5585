using Microsoft.Data.Sqlite;

namespace Course.Gradebook;

/// <summary>
/// The gradebook's tables. <c>schema_version</c> holds the version the file was made with; a grader refuses a newer
/// one rather than misread it, and brings an older one up to date. Rows of <c>grades</c> are only ever added: the
/// highest id of a student is the grade. Version 2 added <c>shard</c> (<c>k/N</c> of <c>course batch --shard</c>), version 3
/// the table <c>in_flight</c> (the gradings started and not yet recorded, see <c>InFlightGrading</c>), which a merge leaves
/// out: it is one batch's working state, not a grade.
/// </summary>
static class GradebookSchema
{
    /// <summary>The version this grader writes, and the newest it reads.</summary>
    public const int Version = 3;

    const string CreateInFlight = """
        CREATE TABLE in_flight (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            assignment      TEXT NOT NULL,
            student         TEXT NOT NULL,
            submission_key  TEXT NOT NULL,
            test_suite_hash TEXT NOT NULL,
            retry           INTEGER NOT NULL,
            started_at      TEXT NOT NULL
        );
        """;

    const string Create = """
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
            report_json     TEXT,
            shard           TEXT
        );
        CREATE INDEX grades_by_submission ON grades (assignment, student, submission_key, test_suite_hash);
        CREATE INDEX grades_by_student ON grades (assignment, student, id);
        """;

    /// <summary>Creates the tables in a new file, or checks an existing file's version.</summary>
    public static void Ensure(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        using var query = connection.CreateCommand();
        query.Transaction = transaction;
        query.CommandText = "SELECT MAX(version) FROM schema_version";
        var found = query.ExecuteScalar() is long version ? (int?)version : null;
        if (found is null)
        {
            Execute(connection, transaction, Create + CreateInFlight);
            Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({Version})");
        }
        else if (found > Version)
        {
            throw Newer(path, found.Value);
        }
        else if (found < Version)
        {
            if (found < 2) Execute(connection, transaction, "ALTER TABLE grades ADD COLUMN shard TEXT");
            Execute(connection, transaction, CreateInFlight);
            Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({Version})");
        }
        transaction.Commit();
    }

    /// <summary>Why a file of a newer grader is refused.</summary>
    internal static InvalidDataException Newer(string path, long found) =>
        new($"the gradebook {path} has schema version {found}, newer than this grader's {Version}: update the grader");

    static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
