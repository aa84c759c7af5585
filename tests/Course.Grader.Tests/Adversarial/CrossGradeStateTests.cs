using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Tests.Batch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Adversarial;

/// <summary>
/// A submission that leaves libtorch's state changed for whatever runs after it in its process: it turns autograd off on
/// the test thread and never turns it back on (a <c>no_grad()</c> guard it does not dispose; TorchScope resets the seed,
/// dtype and threads before each test, not the grad mode). Graded in one batch before an honest student, it must cost
/// only its own points: every grade gets a test process of its own, never a warm one another submission ran in
/// (only <c>course validate</c>, whose runs are all the TA's code, shares processes; see <c>WorkerPool</c>), and so does a
/// single grade, whose worker starts while the submission compiles.
/// </summary>
[NonParallelizable]
public class CrossGradeStateTests
{
    const string Attacker = "mallory", Honest = "zoe";

    [Test]
    public async Task Given_a_submission_that_leaves_autograd_off_When_batched_before_an_honest_one_Then_only_its_own_grade_suffers()
    {
        using var temp = new TempFolder("course-cross-grade-");
        var classFolder = temp["class"];
        Hw3Class.Reference(Path.Combine(classFolder, Honest));
        var mask = Path.Combine(Hw3Class.Reference(Path.Combine(classFolder, Attacker)), "CausalMask.cs");
        File.WriteAllText(mask, File.ReadAllText(mask).Replace(
            "long queries = scores.shape[^2]", "no_grad(); // left undisposed: autograd stays off on this thread\n        long queries = scores.shape[^2]", StringComparison.Ordinal));
        using var gradebook = SqliteGradebook.Open(temp["gradebook.db"]);

        // One job: the attacker's grade runs first, then the honest student's, in the same grader.
        var result = await BatchRunner.RunAsync(new BatchRequest(Hw3Submissions.Assignment, Hw3Submissions.Layout, new DirectorySource(classFolder),
            Hw3Class.Policy, Jobs: 1, IncludeHidden: true, Clock: () => Hw3Submissions.GradedAt), gradebook);

        var entries = result.Outcomes.Select(o => o.Entry).ToDictionary(e => e.Student);
        Assert.That(result.Outcomes.Select(o => o.Submission.Student), Is.EqualTo(new[] { Attacker, Honest }), "graded in this order");
        Assert.That(entries[Attacker].Score, Is.LessThan(entries[Attacker].MaxScore), "the attack takes effect: its own training test cannot backpropagate");
        Assert.That(entries[Honest].Score, Is.EqualTo(entries[Honest].MaxScore), entries[Honest].Message);
    }

    [Test]
    public async Task Given_two_grades_in_one_process_When_the_first_leaves_autograd_off_Then_the_second_keeps_every_point()
    {
        using var temp = new TempFolder("course-early-worker-");
        var honest = Hw3Class.Reference(temp["honest"]);
        var mask = Path.Combine(Hw3Class.Reference(temp["attacker"]), "CausalMask.cs");
        File.WriteAllText(mask, File.ReadAllText(mask).Replace(
            "long queries = scores.shape[^2]", "no_grad(); // left undisposed: autograd stays off on this thread\n        long queries = scores.shape[^2]", StringComparison.Ordinal));

        var attacked = await EarlyWorkerGradingTests.Grade(Path.GetDirectoryName(mask)!, early: true, includeHidden: true);
        var after = await EarlyWorkerGradingTests.Grade(honest, early: true, includeHidden: true);

        Assert.That(attacked.Score, Is.LessThan(attacked.MaxScore), "the attack takes effect: its own training test cannot backpropagate");
        Assert.That(after.Score, Is.EqualTo(after.MaxScore), after.Describe);
    }
}
