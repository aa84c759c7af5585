using Course.Grader.Batch;
using Microsoft.Data.Sqlite;

namespace Course.Gradebook;

/// <summary>
/// The gradebook as an SQLite file in WAL mode: each <see cref="Record"/> is its own committed transaction, so a batch
/// killed half-way keeps every grade it gave. One connection, used by one thread at a time.
/// </summary>
public sealed class SqliteGradebook : IGradebook, IDisposable
{
    readonly SqliteConnection connection;
    readonly Lock gate = new();

    SqliteGradebook(string path, SqliteConnection connection)
    {
        Path = path;
        this.connection = connection;
    }

    public string Path { get; }

    /// <summary>Opens the gradebook at <paramref name="path"/>, making the file and its tables when there is none.</summary>
    /// <exception cref="InvalidDataException">The file was made by a newer grader.</exception>
    public static SqliteGradebook Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(path) is { } folder) Directory.CreateDirectory(folder);
        // No pooling: the file is closed on Dispose, so it can be copied, moved or deleted right after.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;";
                pragmas.ExecuteNonQuery();
            }
            GradebookSchema.Ensure(connection, path);
            return new SqliteGradebook(path, connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public GradebookEntry? FindGrade(string assignment, string student, string submissionKey, string testSuiteHash) =>
        Query($"""
            {GradebookColumns.Select}
            WHERE assignment = $assignment AND student = $student AND submission_key = $key AND test_suite_hash = $suite AND status <> 'error'
            ORDER BY id DESC LIMIT 1
            """, ("$assignment", assignment), ("$student", student), ("$key", submissionKey), ("$suite", testSuiteHash)).SingleOrDefault();

    public GradebookEntry? LatestGrade(string assignment, string student, long upToRow = long.MaxValue) =>
        Query($"""
            {GradebookColumns.Select}
            WHERE assignment = $assignment AND student = $student AND status <> 'error' AND id <= $row
            ORDER BY id DESC LIMIT 1
            """, ("$assignment", assignment), ("$student", student), ("$row", upToRow)).SingleOrDefault();

    public GradebookEntry? LatestRowAfter(string assignment, string student, long afterRow) =>
        Query($"""
            {GradebookColumns.Select}
            WHERE assignment = $assignment AND student = $student AND id > $row
            ORDER BY id DESC LIMIT 1
            """, ("$assignment", assignment), ("$student", student), ("$row", afterRow)).SingleOrDefault();

    public long LastRow()
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(id), 0) FROM grades";
            return (long)command.ExecuteScalar()!;
        }
    }

    public GradebookEntry Record(GradebookEntry entry)
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = GradebookColumns.Insert;
            GradebookColumns.Bind(command, entry);
            return entry with { Id = (long)command.ExecuteScalar()! };
        }
    }

    public void Started(InFlightGrading grading) => Execute("""
        INSERT INTO in_flight (assignment, student, submission_key, test_suite_hash, retry, started_at)
        VALUES ($assignment, $student, $key, $suite, $retry, $started)
        """, ("$assignment", grading.Assignment), ("$student", grading.Student), ("$key", grading.SubmissionKey), ("$suite", grading.TestSuiteHash),
        ("$retry", grading.Retry ? 1 : 0), ("$started", grading.StartedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));

    public void Finished(string assignment, string student) =>
        Execute("DELETE FROM in_flight WHERE assignment = $assignment AND student = $student", ("$assignment", assignment), ("$student", student));

    public IReadOnlyList<InFlightGrading> Unfinished(string assignment)
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT assignment, student, submission_key, test_suite_hash, retry, started_at FROM in_flight
                WHERE assignment = $assignment ORDER BY id
                """;
            command.Parameters.AddWithValue("$assignment", assignment);
            using var reader = command.ExecuteReader();
            var rows = new List<InFlightGrading>();
            while (reader.Read())
                rows.Add(new InFlightGrading(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4) != 0,
                    DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind)));
            return rows;
        }
    }

    void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Every row of the assignment, oldest first: regrades and grader errors included.</summary>
    public IReadOnlyList<GradebookEntry> History(string assignment) =>
        Query($"{GradebookColumns.Select} WHERE assignment = $assignment ORDER BY id", ("$assignment", assignment));

    /// <summary>
    /// Each student's grade, by student: their latest row when it is a grade; after a grader error, their latest grade by the
    /// same tests (a rerun that failed keeps what the tests gave before), else that error. A grade by other tests is never
    /// the fallback: a trial batch with <c>--public-only</c> into the same gradebook had stood in the export, at full marks of
    /// the public tests, for a student whose graded run with the hidden tests ended in a grader error.
    /// </summary>
    public IReadOnlyList<GradebookEntry> Latest(string assignment) =>
        [.. History(assignment).GroupBy(e => e.Student, StringComparer.Ordinal)
            .Select(rows => rows.Last() is { IsGrade: false } error
                ? rows.LastOrDefault(e => e.IsGrade && e.TestSuiteHash == error.TestSuiteHash) ?? error
                : rows.Last())
            .OrderBy(e => e.Student, StringComparer.Ordinal)];

    /// <summary>The assignments the gradebook holds rows of.</summary>
    public IReadOnlyList<string> Assignments()
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT assignment FROM grades ORDER BY assignment";
            using var reader = command.ExecuteReader();
            var names = new List<string>();
            while (reader.Read()) names.Add(reader.GetString(0));
            return names;
        }
    }

    /// <summary>
    /// Holds the assignment with an exclusive lock on a file beside the gradebook (<c>g.db</c> gives
    /// <c>g.db.hw3-attention.batch-lock</c>): the operating system lets one open of it hold the lock at a time and drops
    /// the lock when that process ends, however it ends, so a batch that was killed leaves nothing to clear by hand. The
    /// file stays, empty, after the lock is dropped.
    /// </summary>
    public IDisposable HoldForBatch(string assignment)
    {
        var lockFile = $"{Path}.{Uri.EscapeDataString(assignment)}.batch-lock";
        try
        {
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockFile))
        {
            throw new GradebookBusyException(
                $"another course batch of {assignment} is grading into the gradebook {Path} (it holds {lockFile}); wait for it to end, " +
                "or give this batch a gradebook of its own with --gradebook (shards take one each and are joined by course gradebook merge)");
        }
    }

    public void Dispose() => connection.Dispose();

    List<GradebookEntry> Query(string sql, params (string Name, object Value)[] parameters)
    {
        lock (gate)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
            using var reader = command.ExecuteReader();
            var rows = new List<GradebookEntry>();
            while (reader.Read()) rows.Add(GradebookColumns.Read(reader));
            return rows;
        }
    }
}
