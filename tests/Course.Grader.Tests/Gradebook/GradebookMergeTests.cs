using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;
using Microsoft.Data.Sqlite;

namespace Course.Grader.Tests.Gradebook;

/// <summary>
/// `course gradebook merge` and its conflict rule: identical rows are kept once, every other row is kept as history in
/// graded_at order (then the files' order), so a student's latest row after the merge is the one graded last; newer
/// schemas, an --out that is an input, and an existing --out without --force are refused; merging again changes nothing.
/// </summary>
public class GradebookMergeTests
{
    static readonly DateTimeOffset T0 = GradebookEntries.GradedAt;
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp() => temp = new TempFolder("course-merge-");

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    static GradebookEntry Row(string student, double score, DateTimeOffset gradedAt, string? shard = null) =>
        GradebookEntries.Graded(student, ("A", true), ("B", false)) with { Score = score, GradedAt = gradedAt, Shard = shard };

    static (int ExitCode, string Output) Merge(params string[] args) => CourseCli.RunAsGiven(["gradebook", "merge", .. args]);

    static IReadOnlyList<GradebookEntry> History(string path)
    {
        using var gradebook = SqliteGradebook.Open(path);
        return gradebook.History(GradebookEntries.Assignment);
    }

    static IReadOnlyList<GradebookEntry> Latest(string path)
    {
        using var gradebook = SqliteGradebook.Open(path);
        return gradebook.Latest(GradebookEntries.Assignment);
    }

    [Test]
    public void Given_the_gradebooks_of_disjoint_shards_When_merged_Then_the_result_holds_every_row_in_graded_at_order()
    {
        var a = GradebookFiles.Write(temp["shard-1.db"], Row("alice", 10, T0.AddMinutes(3), "1/2"), Row("carol", 20, T0.AddMinutes(1), "1/2"));
        var b = GradebookFiles.Write(temp["shard-2.db"], Row("bob", 0, T0.AddMinutes(2), "2/2"), Row("dave", 5, T0.AddMinutes(4), "2/2"));

        var (exitCode, output) = Merge("--out", temp["merged.db"], a, b);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output.Trim(), Is.EqualTo($"merged 2 gradebook(s), 4 row(s), into {temp["merged.db"]}: 4 row(s), 0 identical row(s) kept once"));
        var merged = History(temp["merged.db"]);
        Assert.That(merged.Select(e => (e.Student, e.Score, e.Shard)), Is.EqualTo(new[] { ("carol", 20.0, "1/2"), ("bob", 0.0, "2/2"), ("alice", 10.0, "1/2"), ("dave", 5.0, "2/2") }));
        Assert.That(merged.Select(e => e.Id), Is.Ordered.Ascending);
    }

    [Test]
    public void Given_a_row_in_both_files_When_merged_Then_it_is_kept_once_and_every_column_survives_as_stored()
    {
        var shared = Row("alice", 10, T0) with { Commit = "0123456789abcdef0123456789abcdef01234567", ReportJson = """{"score": 10}""", Late = true, SubmittedAt = T0.AddDays(-1) };
        var a = GradebookFiles.Write(temp["a.db"], shared, Row("bob", 3, T0.AddMinutes(1)));
        var b = GradebookFiles.Write(temp["b.db"], shared, Row("carol", 4, T0.AddMinutes(2)));

        var result = GradebookMerge.Merge(temp["merged.db"], [a, b], force: false);

        Assert.That((result.RowsRead, result.RowsWritten, result.Duplicates), Is.EqualTo((4, 3, 1)));
        var rows = GradebookFiles.RawRows(temp["merged.db"]);
        Assert.That(rows, Is.EqualTo(new[] { GradebookFiles.RawRows(a)[0], GradebookFiles.RawRows(a)[1], GradebookFiles.RawRows(b)[1] }));
    }

    [Test]
    public void Given_rows_that_differ_only_in_score_When_merged_Then_both_are_history()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0));
        var b = GradebookFiles.Write(temp["b.db"], Row("alice", 12, T0.AddSeconds(1)));

        GradebookMerge.Merge(temp["merged.db"], [a, b], force: false);

        Assert.That(History(temp["merged.db"]).Select(e => e.Score), Is.EqualTo(new[] { 10.0, 12.0 }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Given_a_student_graded_in_two_files_When_merged_in_either_order_Then_their_grade_is_the_one_graded_last(bool laterFileFirst)
    {
        var early = GradebookFiles.Write(temp["early.db"], Row("alice", 10, T0), Row("bob", 30, T0.AddHours(2)));
        var late = GradebookFiles.Write(temp["late.db"], Row("alice", 25, T0.AddHours(1)), Row("bob", 5, T0.AddMinutes(30)));
        string[] inputs = laterFileFirst ? [late, early] : [early, late];

        GradebookMerge.Merge(temp["merged.db"], inputs, force: false);

        Assert.That(Latest(temp["merged.db"]).Select(e => (e.Student, e.Score)), Is.EqualTo(new[] { ("alice", 25.0), ("bob", 30.0) }));
        Assert.That(History(temp["merged.db"]), Has.Count.EqualTo(4), "the earlier grades stay as history");
    }

    [Test]
    public void Given_two_different_rows_graded_at_the_same_instant_When_merged_Then_the_one_from_the_file_named_later_is_the_grade()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0));
        var b = GradebookFiles.Write(temp["b.db"], Row("alice", 20, T0));

        GradebookMerge.Merge(temp["ab.db"], [a, b], force: false);
        GradebookMerge.Merge(temp["ba.db"], [b, a], force: false);

        Assert.That(Latest(temp["ab.db"]).Single().Score, Is.EqualTo(20));
        Assert.That(Latest(temp["ba.db"]).Single().Score, Is.EqualTo(10));
    }

    [Test]
    public void Given_a_merge_When_its_result_is_merged_again_with_an_input_Then_nothing_changes()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0, "1/2"), Row("bob", 3, T0.AddMinutes(5), "1/2"), Row("alice", 11, T0.AddMinutes(9), "1/2"));
        var b = GradebookFiles.Write(temp["b.db"], Row("carol", 7, T0.AddMinutes(5), "2/2"), Row("dave", 1, T0, "2/2"), GradebookEntries.Error("erin") with { GradedAt = T0, Shard = "2/2" });
        GradebookMerge.Merge(temp["merged.db"], [a, b], force: false);
        var once = GradebookFiles.RawRows(temp["merged.db"]);

        GradebookMerge.Merge(temp["again-a.db"], [temp["merged.db"], a], force: false);
        GradebookMerge.Merge(temp["again-b.db"], [temp["merged.db"], b], force: false);
        GradebookMerge.Merge(temp["again-both.db"], [temp["merged.db"], a, b], force: false);

        Assert.That(once, Has.Count.EqualTo(6));
        Assert.That(GradebookFiles.RawRows(temp["again-a.db"]), Is.EqualTo(once));
        Assert.That(GradebookFiles.RawRows(temp["again-b.db"]), Is.EqualTo(once));
        Assert.That(GradebookFiles.RawRows(temp["again-both.db"]), Is.EqualTo(once));
        Assert.That(History(temp["again-both.db"]).Select(e => e.Id), Is.EqualTo(History(temp["merged.db"]).Select(e => e.Id)));
    }

    [Test]
    public void Given_a_gradebook_of_a_newer_schema_When_merged_Then_it_is_refused_and_no_output_is_written()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0));
        var newer = GradebookFiles.Write(temp["newer.db"], Row("bob", 10, T0));
        Execute(newer, $"INSERT INTO schema_version (version) VALUES ({GradebookSchema.Version + 1})");

        var (exitCode, output) = Merge("--out", temp["merged.db"], a, newer);

        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"error: the gradebook {newer} has schema version {GradebookSchema.Version + 1}, newer than this grader's"));
        Assert.That(Directory.EnumerateFiles(temp.Path).Select(Path.GetFileName), Is.EquivalentTo(new[] { "a.db", "newer.db" }), "no merged file, no leftovers");
    }

    [Test]
    public void Given_a_version_1_gradebook_When_merged_Then_its_rows_are_kept_without_a_shard_and_the_input_is_left_as_it_was()
    {
        var old = temp["old.db"];
        Execute(old, GradebookFiles.Version1Schema + GradebookFiles.Version1Row("alice", 30));
        var before = File.ReadAllBytes(old);
        var b = GradebookFiles.Write(temp["b.db"], Row("bob", 10, T0.AddMinutes(1), "2/2"));

        GradebookMerge.Merge(temp["merged.db"], [old, b], force: false);

        Assert.That(History(temp["merged.db"]).Select(e => (e.Student, e.Score, e.Shard)), Is.EqualTo(new[] { ("alice", 30.0, (string?)null), ("bob", 10.0, "2/2") }));
        Assert.That(File.ReadAllBytes(old), Is.EqualTo(before), "inputs are only read");
    }

    [Test]
    public void Given_a_file_that_is_no_gradebook_When_merged_Then_it_is_refused()
    {
        File.WriteAllText(temp["notes.db"], "not SQLite");
        Execute(temp["other.db"], "CREATE TABLE t (x INTEGER)");

        var (notSqlite, output1) = Merge("--out", temp["merged.db"], temp["notes.db"]);
        var (otherTables, output2) = Merge("--out", temp["merged.db"], temp["other.db"]);

        Assert.That((notSqlite, otherTables), Is.EqualTo((1, 1)), output1 + output2);
        Assert.That(output1 + output2, Does.Contain("is no gradebook of `course batch`"));
        Assert.That(File.Exists(temp["merged.db"]), Is.False);
    }

    [Test]
    public void Given_an_existing_out_When_merged_without_force_Then_it_is_refused_and_with_force_replaced()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0));
        var existing = GradebookFiles.Write(temp["merged.db"], Row("zed", 1, T0));

        var (refused, output) = Merge("--out", existing, a);
        Assert.That(refused, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain($"--out {existing} exists; pass --force to replace it"));
        Assert.That(History(existing).Single().Student, Is.EqualTo("zed"));

        var (forced, forcedOutput) = Merge("--out", existing, a, "--force");
        Assert.That(forced, Is.Zero, forcedOutput);
        Assert.That(History(existing).Single().Student, Is.EqualTo("alice"));
    }

    [Test]
    public void Given_an_out_that_is_one_of_the_inputs_When_merged_even_with_force_Then_it_is_refused()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0));
        var b = GradebookFiles.Write(temp["b.db"], Row("bob", 10, T0));
        var sameFileOtherSpelling = Path.Combine(temp.Path, ".", "b.db");

        var (exitCode, output) = Merge("--out", sameFileOtherSpelling, a, b, "--force");

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("is one of the inputs"));
        Assert.That(History(b).Single().Student, Is.EqualTo("bob"));
    }

    [Test]
    public void Given_no_out_or_no_inputs_or_a_missing_input_When_merged_Then_each_is_a_usage_error()
    {
        var a = GradebookFiles.Write(temp["a.db"], Row("alice", 10, T0));

        Assert.That(Merge(a).ExitCode, Is.EqualTo(2), "no --out");
        Assert.That(Merge("--out", temp["m.db"]).ExitCode, Is.EqualTo(2), "no inputs");
        var (missing, output) = Merge("--out", temp["m.db"], a, temp["gone.db"]);
        Assert.That(missing, Is.EqualTo(2));
        Assert.That(output, Does.Contain($"no gradebook at {temp["gone.db"]}"));
    }

    /// <summary>
    /// A shard's batch that died mid-run (a submission that kills the grader's process) left gradings in flight, and its
    /// job uploaded the gradebook as it was: merged silently, the students it was grading and those it never reached were
    /// missing from the export with nothing to say so.
    /// </summary>
    [Test]
    public void Given_a_shard_whose_batch_died_mid_run_When_merged_Then_the_rows_are_merged_and_the_command_fails_naming_the_shard_and_its_students()
    {
        var a = GradebookFiles.Write(temp["shard-1.db"], Row("alice", 10, T0, "1/2"));
        var b = GradebookFiles.Write(temp["shard-2.db"], Row("bob", 5, T0, "2/2"));
        using (var gradebook = SqliteGradebook.Open(b))
            gradebook.Started(new InFlightGrading(GradebookEntries.Assignment, "mallory", "0123abc", GradebookEntries.Suite, Retry: false, T0));

        var (exitCode, output) = Merge("--out", temp["merged.db"], a, b);

        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"error: {b} is unfinished: its batch died while grading {GradebookEntries.Assignment}: mallory,"));
        Assert.That(output, Does.Not.Contain($"{a} is unfinished"));
        Assert.That(History(temp["merged.db"]).Select(e => e.Student), Is.EqualTo(new[] { "alice", "bob" }), "what the shards hold is merged all the same");
    }

    [Test]
    public void Given_the_help_Then_it_states_the_conflict_rule()
    {
        var (_, output) = CourseCli.RunAsGiven(["gradebook", "merge", "--help"]);

        Assert.That(output.ReplaceLineEndings(" "), Does.Contain("kept once").And.Contain("graded_at").And.Contain("newer schema"));
    }

    static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
