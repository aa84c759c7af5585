using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Course.Gradebook;

/// <summary>What a merge did: rows read from the inputs, rows written, and identical rows kept once.</summary>
/// <param name="Unfinished">Gradings an input's batch started and never recorded (its process died in them), by input.</param>
public sealed record GradebookMergeResult(string Out, int Inputs, int RowsRead, int RowsWritten, IReadOnlyList<UnfinishedInput> Unfinished)
{
    public int Duplicates => RowsRead - RowsWritten;
}

/// <summary>
/// An input whose batch died while grading <paramref name="Students"/> (its <c>in_flight</c> table): those students have no
/// row of that run, and the run may never have reached others, who are then missing with no trace. Only a rerun of that
/// batch (the same command, which grades what a dead process left first) makes the input whole.
/// </summary>
public sealed record UnfinishedInput(string Path, IReadOnlyList<string> Students);

/// <summary>
/// <c>course gradebook merge</c>: combines gradebooks (e.g. those of the shards of <c>course batch --shard k/N</c>) into a
/// new one. The conflict rule:
/// <list type="number">
/// <item>Rows identical in every column but their id (the same assignment, student, submission, test suite, grade,
/// <c>graded_at</c> and shard, to the character) are one row: it is kept once, however many files hold it.</item>
/// <item>Every other row is kept: rows are history, and a merge drops none of it.</item>
/// <item>The merged rows are ordered by <c>graded_at</c>, then by the order of the files on the command line, then by
/// their order in their file; they get new ids in that order. A student's grade, their latest row, is therefore the
/// one graded last, whichever file it came from (for a tie in <c>graded_at</c>: the one from the later file).</item>
/// </list>
/// So a merge is idempotent: merging its result again with any of its inputs (the result named first) gives the same
/// rows in the same order.
/// Files of a newer schema version are refused (their columns could not be carried over), files of an older one are
/// read (a missing column is NULL). The output is a new file: never one of the inputs, and replaced only when asked.
/// </summary>
public static class GradebookMerge
{
    /// <summary>The columns of <c>grades</c> a merge copies, as stored (no parsing, so nothing is reformatted).</summary>
    static readonly string[] Columns =
    [
        "assignment", "student", "repository", "commit_sha", "submission_key", "grader_version", "test_suite_hash", "status",
        "score", "max_score", "tests_json", "late", "submitted_at", "time_source", "graded_at", "message", "report_json", "shard",
    ];

    static readonly int GradedAt = Array.IndexOf(Columns, "graded_at");

    /// <summary>Why these paths cannot be merged (a usage error), or null.</summary>
    public static string? Problem(string output, IReadOnlyList<string> inputs, bool force)
    {
        if (inputs.Count == 0) return "name the gradebooks to merge, e.g. course gradebook merge --out merged.db shard-1.db shard-2.db";
        var outFull = Path.GetFullPath(output);
        foreach (var input in inputs)
        {
            if (!File.Exists(input)) return $"no gradebook at {input}";
            if (string.Equals(Path.GetFullPath(input), outFull, StringComparison.Ordinal))
                return $"--out {output} is one of the inputs; write the merge to a new file";
        }
        if (Directory.Exists(output)) return $"--out {output} is a folder; name the file to write";
        if (File.Exists(output) && !force) return $"--out {output} exists; pass --force to replace it";
        return null;
    }

    /// <summary>Merges <paramref name="inputs"/> into <paramref name="output"/> by the rule above.</summary>
    /// <exception cref="ArgumentException">The paths have a <see cref="Problem"/>.</exception>
    /// <exception cref="InvalidDataException">An input is of a newer schema version, or is no gradebook.</exception>
    public static GradebookMergeResult Merge(string output, IReadOnlyList<string> inputs, bool force)
    {
        if (Problem(output, inputs, force) is { } problem) throw new ArgumentException(problem);
        var rows = new List<(object?[] Values, DateTimeOffset GradedAt, int File, long Id)>();
        var unfinished = new List<UnfinishedInput>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var (read, died) = Read(inputs[i]);
            rows.AddRange(read.Select(r => (r.Values, r.GradedAt, i, r.Id)));
            if (died.Count > 0) unfinished.Add(new UnfinishedInput(inputs[i], died));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merged = rows
            .OrderBy(r => r.GradedAt)
            .ThenBy(r => r.File)
            .ThenBy(r => r.Id)
            .Where(r => seen.Add(Identity(r.Values)))
            .ToList();

        // Written beside the output and moved over it at the end, so a failed merge leaves no half file and --force
        // replaces the old file only with a whole new one.
        var full = Path.GetFullPath(output);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var scratch = Path.Combine(folder, $".{Path.GetFileName(full)}.merging-{Guid.NewGuid():N}");
        try
        {
            using (SqliteGradebook.Open(scratch)) { }
            using (var connection = Connect(scratch, SqliteOpenMode.ReadWrite))
            {
                using var transaction = connection.BeginTransaction();
                using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = $"INSERT INTO grades ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select((_, c) => $"$c{c}"))})";
                var parameters = Columns.Select((_, c) => insert.Parameters.Add(new SqliteParameter($"$c{c}", null))).ToArray();
                foreach (var row in merged)
                {
                    for (var c = 0; c < Columns.Length; c++) parameters[c].Value = row.Values[c] ?? DBNull.Value;
                    insert.ExecuteNonQuery();
                }
                transaction.Commit();
            }
            foreach (var leftover in new[] { full + "-wal", full + "-shm", full + "-journal" })
                File.Delete(leftover);
            File.Move(scratch, full, overwrite: true);
        }
        finally
        {
            foreach (var file in new[] { scratch, scratch + "-wal", scratch + "-shm", scratch + "-journal" })
                File.Delete(file);
        }
        return new GradebookMergeResult(full, inputs.Count, rows.Count, merged.Count, unfinished);
    }

    /// <summary>
    /// The rows of one input, each with its stored values in <see cref="Columns"/>' order. Only read, but opened for
    /// writing: a read-only connection to a WAL file leaves its -wal and -shm files behind, while the last writable
    /// connection checkpoints the WAL (rows a killed batch left there included) and deletes them.
    /// </summary>
    static (List<(object?[] Values, DateTimeOffset GradedAt, long Id)> Rows, IReadOnlyList<string> Unfinished) Read(string path)
    {
        using var connection = Connect(path, SqliteOpenMode.ReadWrite);
        long version;
        HashSet<string> present;
        try
        {
            version = Scalar(connection, "SELECT MAX(version) FROM schema_version") as long?
                ?? throw new InvalidDataException($"{path} has no schema version: it is no gradebook of `course batch`");
            present = [.. Strings(connection, "SELECT name FROM pragma_table_info('grades')")];
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"{path} is no gradebook of `course batch`: {e.Message}", e);
        }
        if (version > GradebookSchema.Version) throw GradebookSchema.Newer(path, version);
        if (present.Count == 0) throw new InvalidDataException($"{path} has no grades table: it is no gradebook of `course batch`");

        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, {string.Join(", ", Columns.Select(c => present.Contains(c) ? c : $"NULL AS {c}"))} FROM grades ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<(object?[], DateTimeOffset, long)>();
        while (reader.Read())
        {
            var values = new object?[Columns.Length];
            for (var c = 0; c < Columns.Length; c++) values[c] = reader.IsDBNull(c + 1) ? null : reader.GetValue(c + 1);
            var gradedAt = DateTimeOffset.Parse((string)values[GradedAt]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            rows.Add((values, gradedAt, reader.GetInt64(0)));
        }
        // A merge leaves in_flight out (it is one batch's working state), but a row there is a batch that died mid-run, such as
        // a shard's on a runner: merged silently, its students would be missing from the export with nothing to say so.
        var unfinished = Scalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'in_flight'") is > 0L
            ? Strings(connection, "SELECT DISTINCT assignment || ': ' || student FROM in_flight ORDER BY 1").ToList()
            : [];
        return (rows, unfinished);
    }

    /// <summary>A row's identity: every column, typed, so that 1 (integer) and '1' (text) differ.</summary>
    static string Identity(object?[] values) => string.Join("\u001f", values.Select(v => v switch
    {
        null => "n",
        string s => "s" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\u001f", "\\u", StringComparison.Ordinal),
        double d => "d" + d.ToString("R", CultureInfo.InvariantCulture),
        long l => "l" + l.ToString(CultureInfo.InvariantCulture),
        byte[] b => "b" + Convert.ToHexString(b),
        _ => "o" + Convert.ToString(v, CultureInfo.InvariantCulture),
    }));

    static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    static IEnumerable<string> Strings(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }
}
