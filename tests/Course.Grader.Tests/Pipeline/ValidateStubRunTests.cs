using Course.Grader.Authoring;
using Course.Grader.Pipeline;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// `course validate` runs a stubbed region first on the narrowest test that reaches it (the fewest members, then the
/// quickest), and on the others only when that one passes: in a throwaway course whose two tests reach the same members and
/// whose quickest test swallows the stub's exception, the region is still found guarded,
/// by the slower test that fails.
/// </summary>
public class ValidateStubRunTests
{
    [Test]
    public async Task Given_a_region_whose_quickest_test_passes_when_it_is_stubbed_When_validated_Then_the_other_tests_that_reach_it_run_and_guard_it()
    {
        using var course = new GivenLibraryCourse();
        const string id = GivenLibraryCourse.WithoutLibrary;
        // The public suite runs first, so its test also carries the worker's warm-up: the slow one.
        var publicTests = course.PathOf($"reference/{id}/Hw0.Plain.Tests/PublicTests.cs");
        File.WriteAllText(publicTests, File.ReadAllText(publicTests).Replace(
            "public void Answer_Is42() => Assert.That(Plain.Answer(), Is.EqualTo(42));",
            "public void Answer_Is42() { System.Threading.Thread.Sleep(500); Assert.That(Plain.Answer(), Is.EqualTo(42)); }",
            StringComparison.Ordinal));
        var hiddenTests = course.PathOf($"assignments/{id}/tests/HiddenTests.cs");
        File.WriteAllText(hiddenTests, File.ReadAllText(hiddenTests).Replace(
            "public void Answer_IsStill42() => Assert.That(Plain.Answer(), Is.EqualTo(42));",
            "public void Answer_DoesNotThrowMuch() { try { Assert.That(Plain.Answer(), Is.EqualTo(42)); } catch (System.NotImplementedException) { } }",
            StringComparison.Ordinal));
        Assert.That(File.ReadAllText(publicTests), Does.Contain("Sleep(500)"));
        Assert.That(File.ReadAllText(hiddenTests), Does.Contain("Answer_DoesNotThrowMuch"));
        new StarterSync(course.Layout).Apply(id);
        var progress = new List<string>();

        var report = await ValidatePipeline.ValidateAsync(course.Layout, id, progress: new Recorder(progress));

        Assert.That(progress, Has.Some.StartsWith("stub Plain.Answer").And.Contains("on the narrowest of the 2"), string.Join("\n", progress));
        Assert.That(progress, Has.Some.StartsWith("stub Plain.Answer").And.Contains("on the other 1 test methods"), string.Join("\n", progress));
        Assert.That(report.Regions.Single().FailingTests, Is.EqualTo(new[] { "Hw0.Plain.Tests.PublicTests.Answer_Is42" }));
        Assert.That(report.Regions.Single().Guarded, Is.True);
    }

    internal sealed class Recorder(List<string> lines) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (lines) lines.Add(value);
        }
    }
}
