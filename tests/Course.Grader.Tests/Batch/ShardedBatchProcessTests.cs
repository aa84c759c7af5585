using System.Diagnostics;
using Course.Gradebook;
using Course.Gradebook.Export;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Gradebook;
using Course.Grader.Tests.Pipeline;
using CsvHelper;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// The instructor workflow's path on one machine: N runners are N processes of the built CLI, each running
/// `course batch --dir … --shard k/N` into its own gradebook, at the same time; `course gradebook merge` combines
/// them; the merged CSV export gives every student the grade an unsharded batch gives. A small class, public
/// tests only.
/// </summary>
[NonParallelizable]
public class ShardedBatchProcessTests
{
    const int Shards = 3;

    /// <summary>Full marks, partial, a compile error, a truncated download and two uploads: two full gradings, the rest cheap.</summary>
    static string BuildClass(string folder)
    {
        Directory.CreateDirectory(folder);
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(folder, "alice")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Class.PartialWork(Path.Combine(folder, "bob")), Hw3Class.OnTime);
        Hw3Class.Folder(Hw3Submissions.Materialize("compile-error", Path.Combine(folder, "dave")), Hw3Class.OnTime);
        File.WriteAllBytes(Path.Combine(folder, "frank.zip"), [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]); // a download that broke off
        Hw3Class.Folder(Hw3Class.Reference(Path.Combine(folder, "ivan")), Hw3Class.OnTime);
        File.WriteAllBytes(Path.Combine(folder, "ivan.zip"), []);
        return folder;
    }

    static readonly string[] Students = ["alice", "bob", "dave", "frank", "ivan"];

    [Test]
    public void Given_a_class_batched_by_3_processes_of_the_cli_each_a_shard_When_merged_Then_the_csv_equals_an_unsharded_batchs()
    {
        using var temp = new TempFolder("course-sharded-");
        var classFolder = BuildClass(temp["class"]);
        var dll = BatchKillAndResumeTests.CourseDll();
        Assert.That(File.Exists(dll), Is.True, dll);
        var clock = Stopwatch.StartNew();

        var runners = Enumerable.Range(1, Shards).Select(k => CliProcess.Start(dll, "batch", Hw3Submissions.Assignment, "--dir", classFolder, "--gradebook", temp[$"shard-{k}.db"],
            "--shard", $"{k}/{Shards}", "--public-only", "--jobs", "1", "--deadline", "2025-03-01T00:00:00Z", "--root", Hw3Submissions.Layout.Root)).ToList();
        var unsharded = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", classFolder, "--gradebook", temp["whole.db"],
            "--public-only", "--jobs", "1", "--deadline", "2025-03-01T00:00:00Z");
        var outputs = runners.Select(runner => CliProcess.Finish(runner, TimeSpan.FromMinutes(5))).ToList();
        TestContext.Progress.WriteLine($"sharded batch: {Shards} processes and an unsharded batch in {clock.Elapsed.TotalSeconds:F0} s");

        Assert.That(unsharded.ExitCode, Is.Zero, unsharded.Output);
        for (var k = 1; k <= Shards; k++)
        {
            Assert.That(outputs[k - 1].ExitCode, Is.Zero, outputs[k - 1].Output);
            var share = Students.Count(s => Course.Grader.Batch.Shard.Of(s, Shards) == k);
            Assert.That(outputs[k - 1].Output, Does.Contain($"shard {k}/{Shards}: {share} of {Students.Length} submission(s) to grade or skip"));
        }
        var (mergeExit, mergeOutput) = CourseCli.RunAsGiven(["gradebook", "merge", "--out", temp["merged.db"], .. Enumerable.Range(1, Shards).Select(k => temp[$"shard-{k}.db"])]);
        Assert.That(mergeExit, Is.Zero, mergeOutput);

        var merged = Csv(temp["merged.db"], temp["merged.csv"]);
        var whole = Csv(temp["whole.db"], temp["whole.csv"]);
        Assert.That(merged.Select(r => r.Student), Is.EqualTo(Students));
        Assert.That(merged.Select(Key), Is.EqualTo(whole.Select(Key)));
        Assert.That(whole.Select(r => r.Status), Is.EquivalentTo(new[] { "graded", "graded", "compile_error", "graded", "no_submission" }), "the class has each kind of row");
        Assert.That(whole.Single(r => r.Student == "alice").Score, Is.EqualTo(whole.Single(r => r.Student == "alice").MaxScore).And.Positive);
        using var gradebook = SqliteGradebook.Open(temp["merged.db"]);
        Assert.That(gradebook.History(Hw3Submissions.Assignment).Select(e => (e.Student, e.Shard)),
            Is.EquivalentTo(Students.Select(s => (s, (string?)$"{Course.Grader.Batch.Shard.Of(s, Shards)}/{Shards}"))), "each row names the shard that graded it");
    }

    static (string Student, double? Score, string Commit, string Status) Key(GradeCsvRow row) => (row.Student, row.Score, row.Commit, row.Status);

    static IReadOnlyList<GradeCsvRow> Csv(string gradebook, string csv)
    {
        var (exitCode, output) = ExportCli.Run(Hw3Submissions.Assignment, "--format", "csv", "--out", csv, "--gradebook", gradebook);
        Assert.That(exitCode, Is.Zero, output);
        using var reader = CsvReader.FromFile(csv);
        return [.. reader.GetRecords<GradeCsvRow>()];
    }
}
