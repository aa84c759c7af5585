using Course.Grader.Score;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// Submissions that call what they may not: the library attention the homework asks students to build (the
/// manifest's ban list) and the file system (the sandbox list). Under hw3's zero_tests policy, each test that can
/// reach the call scores 0 and says why and where; the other tests keep their points.
/// </summary>
[NonParallelizable]
public class BannedApiGradingTests
{
    readonly TempFolder scratch = new();
    GradeReport reference = null!, sdpa = null!, fileRead = null!;

    [OneTimeSetUp]
    public async Task GradeAll()
    {
        reference = await ReferencePublicAsync();
        sdpa = await GradeCaseAsync("banned-sdpa", scratch.Path);
        fileRead = await GradeCaseAsync("sandbox-file-read", scratch.Path);
    }

    [OneTimeTearDown]
    public void DeleteScratch() => scratch.Dispose();

    /// <summary>The tests reach AttentionHead.forward only through TorchSharp's Module.call: no call in the source shows it.</summary>
    [Test]
    public void Given_sdpa_in_AttentionHead_forward_When_graded_Then_the_head_tests_score_zero_naming_the_api_and_line()
    {
        var line = LineOf("banned-sdpa", "AttentionHead.cs", "scaled_dot_product_attention");
        var headTests = sdpa.Tests.Where(t => t.Name.StartsWith("AttentionHeadTests.", StringComparison.Ordinal)).ToList();

        Assert.That(headTests, Has.Count.EqualTo(3));
        foreach (var test in headTests)
        {
            Assert.That(test.Score, Is.Zero, sdpa.Describe);
            Assert.That(test.Message, Does.StartWith("Scored 0: this test reaches TorchSharp.torch.nn.functional.scaled_dot_product_attention(")
                .And.Contain($"at AttentionHead.cs:{line},").And.Contain("compute the scores, the causal mask and the softmax yourself"));
        }
    }

    [Test]
    public void Given_sdpa_in_AttentionHead_forward_When_graded_Then_tests_not_reaching_it_keep_their_points()
    {
        var headTests = sdpa.Tests.Where(t => t.Name.StartsWith("AttentionHeadTests.", StringComparison.Ordinal)).Select(t => t.Name).ToArray();

        Assert.That(sdpa.Status, Is.EqualTo(GradeStatus.Graded));
        Assert.That(sdpa.Outcomes(headTests), Is.EqualTo(reference.Outcomes(headTests)), sdpa.Describe);
        Assert.That(sdpa.Score, Is.EqualTo(reference.MaxScore - sdpa.Tests.Where(t => headTests.Contains(t.Name)).Sum(t => t.MaxScore)));
        Assert.That(sdpa.Summary, Does.Contain("Tests that reach a banned API score 0").And.Contain("scaled_dot_product_attention"));
    }

    [Test]
    public void Given_sdpa_in_AttentionHead_forward_When_graded_Then_the_call_is_annotated_as_not_allowed()
    {
        var line = LineOf("banned-sdpa", "AttentionHead.cs", "scaled_dot_product_attention");

        var annotation = sdpa.Annotations.Single(a => a.Level == AnnotationLevel.Failure);

        Assert.That((annotation.File, annotation.Line), Is.EqualTo(("AttentionHead.cs", line)));
        Assert.That(annotation.Title, Does.StartWith("not allowed: TorchSharp.torch.nn.functional.scaled_dot_product_attention"));
    }

    [Test]
    public void Given_a_file_read_in_a_module_forward_When_graded_Then_it_is_flagged_and_every_test_creating_that_module_scores_zero()
    {
        var line = LineOf("sandbox-file-read", "LearnedPositionalEmbedding.cs", "System.IO.File.ReadAllText");
        string[] reaching =
        [
            "PositionalEmbeddingTests.LearnedForward_GivesTheFirstPosRowsOfW_pos_ForEveryBatchElement",
            "AttentionOnlyTransformerTests.Forward_ReturnsLogitsOfShapeBatchPosVocab",
            "AttentionOnlyTransformerTests.Forward_MatchesTheReference_WithTheSameWeights",
        ];

        Assert.That(fileRead.Annotations.Where(a => a.Level == AnnotationLevel.Failure).Select(a => (a.File, a.Line, a.Title)),
            Does.Contain(("LearnedPositionalEmbedding.cs", line, "not allowed: System.IO.File.ReadAllText(string)")));
        Assert.That(fileRead.Tests.Where(t => t.Score == 0).Select(t => t.Name), Is.EquivalentTo(reaching), fileRead.Describe);
        foreach (var name in reaching)
            Assert.That(fileRead.Test(name).Message, Does.Contain("System.IO.File").And.Contain($"LearnedPositionalEmbedding.cs:{line}")
                .And.Contain("may not touch the file system"));
        Assert.That(fileRead.Outcomes(reaching), Is.EqualTo(reference.Outcomes(reaching)));
    }
}
