using Course.Grader.Score;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// Submissions that do not fit: one that does not compile, and two whose API differs from the starter's (a dropped
/// parameter, a renamed class). The first scores zero with the error pointed at; the others lose only the tests that
/// touch what changed.
/// </summary>
[NonParallelizable]
public class BrokenSubmissionGradingTests
{
    readonly TempFolder scratch = new();
    GradeReport reference = null!, compileError = null!, wrongSignature = null!, renamedClass = null!;

    [OneTimeSetUp]
    public async Task GradeAll()
    {
        reference = await ReferencePublicAsync();
        compileError = await GradeCaseAsync("compile-error", scratch.Path);
        wrongSignature = await GradeCaseAsync("wrong-signature", scratch.Path);
        renamedClass = await GradeCaseAsync("renamed-class", scratch.Path);
    }

    [OneTimeTearDown]
    public void DeleteScratch() => scratch.Dispose();

    [Test]
    public void Given_a_compile_error_When_graded_Then_every_test_scores_zero_as_not_run_and_the_list_stays_complete()
    {
        Assert.That(compileError.Status, Is.EqualTo(GradeStatus.CompileError), compileError.Describe);
        Assert.That(compileError.Score, Is.Zero);
        Assert.That(compileError.MaxScore, Is.EqualTo(reference.MaxScore));
        Assert.That(compileError.Tests.Select(t => (t.FullName, t.MaxScore)), Is.EqualTo(reference.Tests.Select(t => (t.FullName, t.MaxScore))));
        Assert.That(compileError.Tests.Select(t => t.Score), Has.All.Zero);
        Assert.That(compileError.Tests.Select(t => t.Message), Has.All.StartWith("Not run: ").And.All.Contains("Attention.cs"));
        Assert.That(compileError.Summary, Does.Contain("did not compile"));
    }

    [Test]
    public void Given_a_compile_error_When_graded_Then_it_is_annotated_at_the_students_file_and_line()
    {
        var line = LineOf("compile-error", "Attention.cs", "int d_head = q.shape[^1];");

        var error = compileError.Annotations.Single(a => a.Level == AnnotationLevel.Failure);

        Assert.That((error.File, error.Line), Is.EqualTo(("Attention.cs", line)));
        Assert.That(error.Title, Is.EqualTo("error CS0266"));
        Assert.That(error.Message, Does.Contain("Cannot implicitly convert type 'long' to 'int'"));
        Assert.That(compileError.Tests[0].Message, Does.Contain($"Attention.cs({line},"));
    }

    [Test]
    public void Given_a_dropped_parameter_When_graded_Then_only_the_test_calling_it_that_way_fails_naming_the_member()
    {
        const string culprit = "PositionalEmbeddingTests.SinusoidalTable_MatchesTheFormula_InFloat64";

        Assert.That(wrongSignature.Status, Is.EqualTo(GradeStatus.Graded), wrongSignature.Describe);
        var failed = wrongSignature.Test(culprit);
        Assert.That(failed.Score, Is.Zero);
        Assert.That(failed.Message, Does.Contain("does not compile against your code").And.Contain("No overload for method 'Table' takes 3 arguments"));
        Assert.That(wrongSignature.Outcomes(culprit), Is.EqualTo(reference.Outcomes(culprit)), wrongSignature.Describe);
        Assert.That(wrongSignature.Score, Is.EqualTo(reference.MaxScore - failed.MaxScore));
    }

    [Test]
    public void Given_a_renamed_class_When_graded_Then_only_the_tests_naming_the_class_fail_and_say_so()
    {
        string[] culprits =
        [
            "PositionalEmbeddingTests.SinusoidalTable_MatchesTheFormula_InFloat64",
            SinusoidalForwardTest,
        ];

        Assert.That(renamedClass.Status, Is.EqualTo(GradeStatus.Graded), renamedClass.Describe);
        Assert.That(renamedClass.Tests.Where(t => !t.Passed).Select(t => t.Name), Is.EquivalentTo(culprits), renamedClass.Describe);
        foreach (var culprit in culprits)
            Assert.That(renamedClass.Test(culprit).Message, Does.Contain("does not compile against your code").And.Contain("'SinusoidalPositionalEmbedding'"));
        Assert.That(renamedClass.Score, Is.EqualTo(reference.MaxScore - culprits.Sum(c => renamedClass.Test(c).MaxScore)));
    }
}
