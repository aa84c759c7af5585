using System.Text.Json.Nodes;
using Course.Grader.Pipeline;
using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Workspace;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// A grade starts its test worker while the submission compiles (<see cref="GradeRequest.StartWorkerEarly"/>), in a pool of
/// its own. That may change when the grade ends, never what it says, and the worker is one grade's alone: it never outlives
/// the grade, and a second grade in the same process gets a worker of its own (the attacks on that are in the adversarial
/// corpus, <c>CrossGradeStateTests</c>).
/// </summary>
[NonParallelizable]
public class EarlyWorkerGradingTests
{
    internal static Task<GradeReport> Grade(string folder, bool early, bool includeHidden = false) =>
        GradePipeline.GradeAsync(new GradeRequest(Assignment, new Submission(SubmissionKind.Folder, folder), Layout, includeHidden,
            Clock: () => GradedAt, Limits: ShortLimits, StartWorkerEarly: early));

    [Test]
    public async Task Given_the_half_done_example_When_graded_with_a_worker_started_early_Then_the_report_is_the_one_of_a_worker_started_for_its_run()
    {
        var early = await Grade(PartialExample, early: true);
        var late = await Grade(PartialExample, early: false);

        Assert.That(early.Tests.Any(t => t.Passed) && early.Tests.Any(t => !t.Passed), Is.True, early.Describe);
        Assert.That(Comparable(early), Is.EqualTo(Comparable(late)));
    }

    [TestCase("partial", TestName = "a submission whose tests run")]
    [TestCase("compile-error", TestName = "a submission that does not compile, so its early worker never runs")]
    [Platform(Include = "Linux", Reason = "reads the workers' command lines from /proc")]
    public async Task Given_a_grade_with_a_worker_started_early_When_it_ends_Then_no_worker_of_it_is_left_running(string submission)
    {
        using var scratch = new TempFolder();
        var folder = submission == "partial" ? PartialExample : Materialize(submission, scratch["submission"]);

        var report = await Grade(folder, early: true);

        Assert.That(report.Status, Is.EqualTo(submission == "partial" ? GradeStatus.Graded : GradeStatus.CompileError), report.Describe);
        Assert.That(ServingWorkers(), Is.Empty, "serving workers this process started and left running");
    }

    /// <summary>The report as JSON, timings and the sandbox's details (which name the run's folders) blanked.</summary>
    static string Comparable(GradeReport report)
    {
        var root = JsonNode.Parse(JsonReport.Write(report))!.AsObject();
        root["graded_at"] = "";
        foreach (var test in root["tests"]!.AsArray()) test!["duration_seconds"] = 0;
        foreach (var layer in root["sandbox"]!.AsArray()) layer!["detail"] = "";
        return root.ToJsonString();
    }

    /// <summary>Children of this process running the worker's <c>serve</c> command.</summary>
    static List<int> ServingWorkers()
    {
        var self = Environment.ProcessId;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                // Field 4 of stat is the parent's pid; the name in field 2 may hold spaces, so count from its closing parenthesis.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                var arguments = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (parent == self && arguments.Any(a => a.EndsWith("Course.Worker.dll", StringComparison.Ordinal)) && arguments.Contains("serve"))
                    found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }
}
