using System.Diagnostics;
using Course.Grader.Run;

namespace Course.Grader.Tests.Homeworks;

/// <summary>
/// End to end on the real homeworks: the generated starter earns no points, so a student starts from zero, and the
/// reference compiles quickly when warm. That the reference passes every public and hidden test is validate's first check
/// (Course.Validate.Tests: full marks, and every test has points), not repeated here: for hw4 and hw7 it
/// is a minute of training.
/// </summary>
[NonParallelizable]
public class HomeworkPipelineTests
{
    static IEnumerable<string> Homeworks() => HomeworkPipeline.Ids();

    [TestCaseSource(nameof(Homeworks))]
    public async Task Given_the_generated_starter_When_compiled_and_run_Then_no_test_with_points_passes(string id)
    {
        var starter = HomeworkPipeline.Layout.StarterDir(id);
        Assert.That(Directory.Exists(starter), Is.True, $"starter/{id} is missing: generate it with `course sync {id}`");

        var run = await HomeworkPipeline.CompileAndRunAsync(id, starter);

        Assert.That(run.Error, Is.Null);
        var graded = run.Tests.Where(t => t.Test.Points > 0).ToList();
        Assert.That(graded, Is.Not.Empty, "a homework without points cannot show that its starter earns none");
        Assert.That(graded.Where(t => t.Passed).Select(HomeworkPipeline.Describe), Is.Empty);
        Assert.That(graded.Select(t => t.Outcome), Has.None.EqualTo(TestOutcome.Skipped));
    }

    [TestCaseSource(nameof(Homeworks))]
    public void Given_a_warm_compiler_When_the_reference_and_its_tests_compile_again_Then_it_takes_under_a_second(string id)
    {
        var reference = HomeworkPipeline.Layout.ReferenceDir(id);
        HomeworkPipeline.Compile(id, reference);

        var clock = Stopwatch.StartNew();
        var compiled = HomeworkPipeline.Compile(id, reference);
        clock.Stop();
        TestContext.Out.WriteLine($"warm compile of {id} with its public and hidden tests: {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.That(compiled.Success, Is.True);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
    }
}
