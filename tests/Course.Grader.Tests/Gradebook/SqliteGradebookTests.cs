using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Tests.Pipeline;
using Microsoft.Data.Sqlite;

namespace Course.Grader.Tests.Gradebook;

/// <summary>The SQLite gradebook: its schema, rows that read back as written, what a rerun finds, and which row is the grade.</summary>
public class SqliteGradebookTests
{
    TempFolder temp = null!;
    string path = null!;

    [SetUp]
    public void CreateTemp()
    {
        temp = new TempFolder();
        path = temp["grades/gradebook.db"];
    }

    [TearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_no_file_When_opened_Then_it_is_made_in_wal_mode_with_the_grades_and_in_flight_tables_and_schema_version_3()
    {
        using (SqliteGradebook.Open(path)) { }

        Assert.That(Scalar("PRAGMA journal_mode"), Is.EqualTo("wal"));
        Assert.That(Scalar("SELECT version FROM schema_version"), Is.EqualTo(3L));
        Assert.That(Scalar("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name)"),
            Is.EqualTo("grades,in_flight,schema_version"));
    }

    [Test]
    public void Given_a_recorded_row_When_the_file_is_reopened_Then_it_reads_back_equal_field_by_field()
    {
        var entry = GradebookEntries.Graded("alice", ("A", true), ("B", false)) with
        {
            Commit = "0123456789abcdef0123456789abcdef01234567",
            SubmissionKey = "0123456789abcdef0123456789abcdef01234567",
            Late = true,
            SubmittedAt = new DateTimeOffset(2025, 3, 1, 23, 59, 59, TimeSpan.FromHours(2)),
            TimeSource = SubmissionTimeSource.Pushed,
            ReportJson = """{"schema_version": 1}""",
            Shard = "2/10",
        };
        long id;
        using (var gradebook = SqliteGradebook.Open(path)) id = gradebook.Record(entry).Id;

        using var reopened = SqliteGradebook.Open(path);
        var read = reopened.History(GradebookEntries.Assignment).Single();

        Assert.That(id, Is.Positive);
        Assert.That(read with { Tests = entry.Tests }, Is.EqualTo(entry with { Id = id }));
        Assert.That(read.Tests, Is.EqualTo(entry.Tests));
        Assert.That(read.SubmittedAt, Is.EqualTo(entry.SubmittedAt), "the same instant, whatever the offset");
    }

    [Test]
    public void Given_a_row_When_a_second_connection_looks_before_the_first_closes_Then_it_is_already_committed()
    {
        using var writer = SqliteGradebook.Open(path);
        writer.Record(GradebookEntries.Graded("alice", ("A", true)));

        using var reader = SqliteGradebook.Open(path);

        Assert.That(reader.FindGrade(GradebookEntries.Assignment, "alice", "sha256:alice", GradebookEntries.Suite), Is.Not.Null);
    }

    [Test]
    public void Given_grades_of_two_submissions_When_found_by_key_Then_only_the_same_submission_with_the_same_suite_matches()
    {
        using var gradebook = SqliteGradebook.Open(path);
        gradebook.Record(GradebookEntries.Graded("alice", ("A", false)));
        gradebook.Record(GradebookEntries.Graded("alice", ("A", true)) with { SubmissionKey = "sha256:resubmitted" });

        Assert.That(gradebook.FindGrade(GradebookEntries.Assignment, "alice", "sha256:alice", GradebookEntries.Suite)!.Score, Is.Zero);
        Assert.That(gradebook.FindGrade(GradebookEntries.Assignment, "alice", "sha256:alice", "another suite"), Is.Null);
        Assert.That(gradebook.FindGrade(GradebookEntries.Assignment, "bob", "sha256:alice", GradebookEntries.Suite), Is.Null);
        Assert.That(gradebook.FindGrade("hw1-lm-basics", "alice", "sha256:alice", GradebookEntries.Suite), Is.Null);
        Assert.That(gradebook.LatestGrade(GradebookEntries.Assignment, "alice")!.SubmissionKey, Is.EqualTo("sha256:resubmitted"));
    }

    [Test]
    public void Given_a_grader_error_When_a_rerun_looks_for_a_grade_Then_it_finds_none_so_the_student_is_graded_again()
    {
        using var gradebook = SqliteGradebook.Open(path);
        gradebook.Record(GradebookEntries.Error("alice") with { SubmissionKey = "sha256:alice" });

        Assert.That(gradebook.FindGrade(GradebookEntries.Assignment, "alice", "sha256:alice", GradebookEntries.Suite), Is.Null);
        Assert.That(gradebook.LatestGrade(GradebookEntries.Assignment, "alice"), Is.Null);
    }

    [Test]
    public void Given_regrades_and_errors_When_the_latest_rows_are_read_Then_each_student_has_their_last_grade_or_else_their_last_error()
    {
        using var gradebook = SqliteGradebook.Open(path);
        gradebook.Record(GradebookEntries.Graded("bob", ("A", false)));
        var regraded = gradebook.Record(GradebookEntries.Graded("bob", ("A", true)));
        gradebook.Record(GradebookEntries.Error("bob"));
        gradebook.Record(GradebookEntries.Error("mallory", "first"));
        var lastError = gradebook.Record(GradebookEntries.Error("mallory", "second"));
        var alice = gradebook.Record(GradebookEntries.Graded("alice", ("A", true)));
        gradebook.Record(GradebookEntries.Graded("alice", ("A", true)) with { Assignment = "hw1-lm-basics" });

        var latest = gradebook.Latest(GradebookEntries.Assignment);

        Assert.That(latest.Select(e => e.Id), Is.EqualTo(new[] { alice.Id, regraded.Id, lastError.Id }), "by student: alice, bob, mallory");
        Assert.That(gradebook.History(GradebookEntries.Assignment), Has.Count.EqualTo(6), "history keeps every row");
        Assert.That(gradebook.Assignments(), Is.EqualTo(new[] { "hw1-lm-basics", "hw3-attention" }));
    }

    /// <summary>
    /// A trial batch with --public-only into the gradebook, then the graded batch with the hidden tests: a student whose
    /// graded run ended in a grader error (a process that died twice on their submission) kept the trial's grade, full
    /// marks of the public tests, in every export.
    /// </summary>
    [Test]
    public void Given_a_grade_by_other_tests_and_then_a_grader_error_When_the_latest_rows_are_read_Then_the_error_stands_not_the_other_tests_grade()
    {
        using var gradebook = SqliteGradebook.Open(path);
        gradebook.Record(GradebookEntries.Graded("mallory", ("Public", true)) with { TestSuiteHash = "public-only" });
        var error = gradebook.Record(GradebookEntries.Error("mallory", "The grader's process died twice while grading this submission"));
        gradebook.Record(GradebookEntries.Graded("bob", ("Public", true)) with { TestSuiteHash = "public-only" });
        var bobs = gradebook.Record(GradebookEntries.Graded("bob", ("Public", true), ("Hidden", false)));
        gradebook.Record(GradebookEntries.Error("bob"));

        var latest = gradebook.Latest(GradebookEntries.Assignment).ToDictionary(e => e.Student);

        Assert.That(latest["mallory"].Id, Is.EqualTo(error.Id), "no grade by these tests: the error");
        Assert.That(latest["bob"].Id, Is.EqualTo(bobs.Id), "the grade the same tests gave before the error");
    }

    [Test]
    public void Given_a_gradebook_made_by_a_newer_grader_When_opened_Then_it_is_refused_rather_than_misread()
    {
        using (SqliteGradebook.Open(path)) { }
        Execute("INSERT INTO schema_version (version) VALUES (4)");

        Assert.That(() => SqliteGradebook.Open(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains("schema version 4"));
    }

    [Test]
    public void Given_a_version_1_gradebook_When_opened_Then_it_gains_the_shard_column_and_its_rows_read_back_without_a_shard()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Execute(GradebookFiles.Version1Schema);
        Execute(GradebookFiles.Version1Row("alice", 30));

        using (var gradebook = SqliteGradebook.Open(path))
        {
            var alice = gradebook.History(GradebookEntries.Assignment).Single();
            Assert.That((alice.Student, alice.Score, alice.Shard), Is.EqualTo(("alice", 30.0, (string?)null)));
            gradebook.Record(GradebookEntries.Graded("bob") with { Shard = "1/2" });
        }

        Assert.That(Scalar("SELECT MAX(version) FROM schema_version"), Is.EqualTo(3L));
        Assert.That(Scalar("SELECT group_concat(coalesce(shard, '-'), ',') FROM (SELECT shard FROM grades ORDER BY id)"), Is.EqualTo("-,1/2"));
        Assert.That(Scalar("SELECT COUNT(*) FROM in_flight"), Is.EqualTo(0L), "and the in-flight table");
    }

    [Test]
    public void Given_a_batch_holding_an_assignment_When_another_asks_for_it_Then_it_is_refused_until_the_first_lets_go_and_other_assignments_are_free()
    {
        using var first = SqliteGradebook.Open(path);
        using var second = SqliteGradebook.Open(path);

        using (first.HoldForBatch("hw3-attention"))
        {
            var busy = Assert.Throws<GradebookBusyException>(() => second.HoldForBatch("hw3-attention"))!;
            Assert.That(busy.Message, Does.StartWith($"another course batch of hw3-attention is grading into the gradebook {first.Path}")
                .And.Contain("give this batch a gradebook of its own with --gradebook"));
            using (second.HoldForBatch("hw4-transformer")) { }
        }

        using (second.HoldForBatch("hw3-attention")) { }
    }

    [Test]
    public void Given_gradings_started_When_one_student_finishes_Then_only_the_others_stay_unfinished_across_a_reopen()
    {
        var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.FromHours(1));
        using (var gradebook = SqliteGradebook.Open(path))
        {
            gradebook.Started(new InFlightGrading(GradebookEntries.Assignment, "alice", "sha256:a", "suite", Retry: false, at));
            gradebook.Started(new InFlightGrading(GradebookEntries.Assignment, "bob", "sha256:b", "suite", Retry: true, at.AddSeconds(1)));
            gradebook.Started(new InFlightGrading("hw1-lm-basics", "alice", "sha256:c", "suite", Retry: false, at));
            gradebook.Finished(GradebookEntries.Assignment, "alice");
        }

        using var reopened = SqliteGradebook.Open(path);
        Assert.That(reopened.Unfinished(GradebookEntries.Assignment), Is.EqualTo(new[]
        {
            new InFlightGrading(GradebookEntries.Assignment, "bob", "sha256:b", "suite", Retry: true, at.AddSeconds(1)),
        }));
        Assert.That(reopened.Unfinished("hw1-lm-basics").Select(g => g.Student), Is.EqualTo(new[] { "alice" }), "per assignment");
    }

    object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    void Execute(string sql) => Scalar(sql);
}
