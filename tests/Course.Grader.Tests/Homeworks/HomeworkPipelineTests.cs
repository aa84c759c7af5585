using System.Diagnostics;
using Course.Grader.Run;

namespace Course.Grader.Tests.Homeworks;

/// <summary>
/// End to end on the real homeworks: the reference compiles quickly when warm. That the reference passes every public
/// and hidden test, and that the generated starter earns no points, are validate's first checks (Course.Validate.Tests:
/// full marks, every test has points, "starter gets zero"), not repeated here: for hw4 and hw7 the reference's run is a
/// minute of training, and the starter's runs took 20 s of the suite.
/// </summary>
[NonParallelizable]
public class HomeworkPipelineTests
{
    static IEnumerable<string> Homeworks() => HomeworkPipeline.Ids();

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
