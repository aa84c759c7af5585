using Course.Grader.Run;
using Course.Grader.Score;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// The three submissions every homework has: the reference, the starter and the bundled half-done example, graded with
/// the hidden tests (the instructor's grade) through the whole pipeline, from a folder as <c>course grade</c> takes it.
/// </summary>
[NonParallelizable]
public class ReferenceStarterAndPartialGradingTests
{
    GradeReport reference = null!, starter = null!, partial = null!;

    [OneTimeSetUp]
    public async Task GradeAll()
    {
        var limits = RunLimits.From(HomeworkManifest.Limits);
        reference = await GradeFolderAsync(ReferenceProject, includeHidden: true, limits);
        starter = await GradeFolderAsync(StarterProject, includeHidden: true, limits);
        partial = await GradeFolderAsync(PartialExample, includeHidden: true, limits);
    }

    [Test]
    public void Given_the_reference_When_graded_Then_every_public_and_hidden_test_passes_for_full_marks()
    {
        Assert.That(reference.Status, Is.EqualTo(GradeStatus.Graded), reference.Describe);
        Assert.That(reference.Tests.Where(t => !t.Passed).Select(t => $"{t.Name}: {t.Message}"), Is.Empty);
        Assert.That(reference.MaxScore, Is.EqualTo(100));
        Assert.That(reference.Score, Is.EqualTo(reference.MaxScore));
        Assert.That(reference.Tests.Select(t => t.Suite).Distinct(), Is.EquivalentTo(new[] { "Hw3.Attention.Tests", "Hw3.Attention.HiddenTests" }));
        Assert.That(reference.Annotations.Where(a => a.Level == AnnotationLevel.Failure), Is.Empty);
        Assert.That(reference.Summary, Does.StartWith("100/100 points;"));
    }

    [Test]
    public void Given_the_reference_When_graded_Then_the_report_says_which_sandbox_layers_held_as_the_kernel_allows()
    {
        var layers = reference.Sandbox.ToDictionary(l => l.Name);

        Assert.That(layers.Keys, Is.EqualTo(new[]
        {
            "environment", "run-folder", "process-group", "group-limits", "rlimits", "capabilities", "no-new-privs",
            "landlock-fs", "landlock-net", "landlock-scope", "seccomp",
        }));
        Assert.That(layers["environment"].Active && layers["run-folder"].Active, Is.True);
        if (OperatingSystem.IsLinux())
        {
            Assert.That(layers["landlock-fs"].Active, Is.EqualTo(Run.KernelFeatures.LandlockAbi >= 1), layers["landlock-fs"].Detail);
            Assert.That(layers["landlock-net"].Active, Is.EqualTo(Run.KernelFeatures.LandlockAbi >= 4), layers["landlock-net"].Detail);
            Assert.That(layers["landlock-scope"].Active, Is.EqualTo(Run.KernelFeatures.LandlockAbi >= 6), layers["landlock-scope"].Detail);
            Assert.That(layers["seccomp"].Active, Is.EqualTo(Run.KernelFeatures.Seccomp), layers["seccomp"].Detail);
        }
        Assert.That(layers.Values.Where(l => !l.Active).Select(l => l.Detail), Has.All.Not.Empty, "an inactive layer says why");
        Assert.That(reference.SandboxNote, Does.StartWith("Student code ran in a sandbox with "));
    }

    [Test]
    public void Given_the_reference_When_graded_Then_the_provenance_names_the_grader_the_tests_and_the_folder()
    {
        Assert.That(reference.Provenance.GraderVersion, Is.Not.Empty);
        Assert.That(reference.Provenance.TestSuiteHash, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(reference.Provenance.SubmissionSource, Is.EqualTo(ReferenceProject));
        Assert.That(reference.Provenance.SubmissionCommit, Is.Null, "a plain folder has no commit");
        Assert.That(reference.GradedAt, Is.EqualTo(GradedAt));
    }

    [Test]
    public void Given_the_starter_When_graded_Then_it_scores_zero_on_the_same_tests_and_its_stubs_are_annotated()
    {
        Assert.That(starter.Status, Is.EqualTo(GradeStatus.Graded), starter.Describe);
        Assert.That(starter.Score, Is.Zero, starter.Describe);
        Assert.That(starter.MaxScore, Is.EqualTo(reference.MaxScore));
        Assert.That(starter.Tests.Select(t => t.FullName), Is.EqualTo(reference.Tests.Select(t => t.FullName)));
        Assert.That(starter.Tests.Where(t => t.MaxScore > 0 && t.Passed).Select(t => t.Name), Is.Empty);

        var stubs = starter.Annotations.Where(a => a.Title == "still a stub").ToList();
        Assert.That(stubs.Select(a => a.File).Distinct(), Is.EquivalentTo(HomeworkManifest.StudentFiles), "every student file has a stub to annotate");
        Assert.That(stubs.Select(a => a.Level), Has.All.EqualTo(AnnotationLevel.Warning));
    }

    [Test]
    public void Given_the_half_done_example_When_graded_Then_it_gets_partial_credit_for_the_parts_it_has_done()
    {
        Assert.That(partial.Status, Is.EqualTo(GradeStatus.Graded), partial.Describe);
        Assert.That(partial.Score, Is.GreaterThan(0).And.LessThan(partial.MaxScore), partial.Describe);
        Assert.That(partial.MaxScore, Is.EqualTo(reference.MaxScore));
        Assert.That(partial.Summary, Does.StartWith($"{ScoreStage.Format(partial.Score)}/100 points;"));
        Assert.Multiple(() =>
        {
            Assert.That(partial.Test("CausalMaskTests.Apply_SetsEntriesWhereKeyIsAfterQueryToMinusInfinity_AndKeepsTheRest").Passed, Is.True, "its mask is done");
            Assert.That(partial.Test("PositionalEmbeddingTests.LearnedForward_GivesTheFirstPosRowsOfW_pos_ForEveryBatchElement").Passed, Is.True, "its learned positions are done");
            // Its head is causal, but its scores divide by d_head: a property test counts only with the values it is a property of.
            Assert.That(partial.Test("AttentionHeadTests.Forward_IsCausal_ChangingLaterTokensLeavesEarlierOutputsUnchanged").Message,
                Does.StartWith("AttentionHead output vs the reference's on the same weights and x: causal, but not attention"), "its head is causal, with the wrong scale");
            Assert.That(partial.Test("MultiHeadAttentionTests.Forward_MatchesTheReference_WithTheSameWeightsAndBiases").Passed, Is.False, "its multi-head attention returns zeros");
        });
    }

    [Test]
    public void Given_the_half_done_example_When_its_scale_is_wrong_Then_the_scale_test_says_to_divide_by_sqrt_d_head()
    {
        var scale = partial.Test("AttentionTests.Scores_AreDotProductsDividedBySqrtDHead");

        Assert.That(scale.Passed, Is.False);
        Assert.That(scale.Score, Is.Zero);
        Assert.That(scale.Message, Does.Contain("sqrt(d_head)").And.Contain("you divided by d_head"));
    }
}
