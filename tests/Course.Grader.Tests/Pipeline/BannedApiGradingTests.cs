using Course.Grader.Pipeline;
using Course.Grader.Score;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// Submissions that call what they may not: the library attention the homework asks students to build (the
/// manifest's ban list), and the file system (outside the sandbox's allow-list). Under hw3's zero_tests policy, each
/// test that can reach a banned call scores 0 and says why and where, and the other tests keep their points; code that
/// reaches outside the sandbox is refused whatever the policy, before any of it runs.
/// </summary>
[NonParallelizable]
public class BannedApiGradingTests
{
    readonly TempFolder scratch = new();
    GradeReport reference = null!, sdpa = null!, indexer = null!, fileRead = null!, conversion = null!, stored = null!;
    readonly Dictionary<string, GradeReport> anyTest = [];

    [OneTimeSetUp]
    public async Task GradeAll()
    {
        reference = await ReferencePublicAsync();
        sdpa = await GradeCaseAsync("banned-sdpa", scratch.Path);
        indexer = await GradeCaseAsync("banned-sdpa-behind-an-indexer", scratch.Path);
        fileRead = await GradeCaseAsync("sandbox-file-read", scratch.Path);
        conversion = await GradeCaseAsync("banned-sdpa-behind-an-implicit-conversion", scratch.Path);
        foreach (var name in AnyTestCases) anyTest[name] = await GradeCaseAsync(name, scratch.Path);
        stored = await GradeCaseAsync("banned-sdpa-stored-on-another-tests-path", scratch.Path);
    }

    /// <summary>Banned calls that tests may run with no chain of calls from the test leading to them.</summary>
    static readonly string[] AnyTestCases =
        ["banned-sdpa-in-a-static-constructor", "banned-sdpa-in-code-no-test-calls"];

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
            Assert.That(test.Message, Does.StartWith($"Scored 0: this test reaches TorchSharp.torch.nn.functional.scaled_dot_product_attention at AttentionHead.cs:{line},").And.Contain("compute the scores, the causal mask and the softmax yourself"));
        }
    }

    /// <summary>An indexer is called with no name at the call (<c>new Heads(q, k, v)[true]</c>): the tests reach it all the same.</summary>
    [Test]
    public void Given_sdpa_hidden_in_an_indexer_that_forward_uses_When_graded_Then_the_head_tests_still_score_zero()
    {
        var line = LineOf("banned-sdpa-behind-an-indexer", "AttentionHead.cs", "scaled_dot_product_attention");
        var headTests = indexer.Tests.Where(t => t.Name.StartsWith("AttentionHeadTests.", StringComparison.Ordinal)).ToList();

        Assert.That(headTests, Has.Count.EqualTo(3));
        foreach (var test in headTests)
        {
            Assert.That(test.Score, Is.Zero, indexer.Describe);
            Assert.That(test.Message, Does.StartWith($"Scored 0: this test reaches TorchSharp.torch.nn.functional.scaled_dot_product_attention at AttentionHead.cs:{line},"));
        }
    }

    /// <summary>An implicit conversion is called with no syntax at the call (<c>Tensor z = new Weighted(q, k, v)</c>): reach reads the calls the analyzer reads.</summary>
    [Test]
    public void Given_sdpa_behind_an_implicit_conversion_that_forward_uses_When_graded_Then_the_head_tests_score_zero_and_the_others_keep_their_points()
    {
        var line = LineOf("banned-sdpa-behind-an-implicit-conversion", "AttentionHead.cs", "scaled_dot_product_attention");
        var headTests = conversion.Tests.Where(t => t.Name.StartsWith("AttentionHeadTests.", StringComparison.Ordinal)).ToList();
        string[] Zeroed(GradeReport report) => [.. report.Tests.Where(t => t.Score == 0).Select(t => t.Name)];

        Assert.That(headTests, Has.Count.EqualTo(3));
        foreach (var test in headTests)
        {
            Assert.That(test.Score, Is.Zero, conversion.Describe);
            Assert.That(test.Message, Does.StartWith($"Scored 0: this test reaches TorchSharp.torch.nn.functional.scaled_dot_product_attention at AttentionHead.cs:{line},").And.Not.Contain(BannedReach.AnyTest));
        }
        Assert.That(Zeroed(conversion), Is.EqualTo(Zeroed(sdpa)), "the same tests score 0 as with the call written in forward");
        Assert.That(conversion.Outcomes(Zeroed(conversion)), Is.EqualTo(reference.Outcomes(Zeroed(conversion))), conversion.Describe);
    }

    /// <summary>
    /// A static constructor the runtime runs, a delegate one test's path stores and another's runs, a method no test
    /// calls: the grader cannot tell which tests run the call, so every test scores 0, and the message says why.
    /// </summary>
    [TestCaseSource(nameof(AnyTestCases))]
    public void Given_sdpa_where_no_call_from_a_test_leads_When_graded_Then_every_test_scores_zero_saying_why(string name)
    {
        var report = anyTest[name];
        const string file = "AttentionHead.cs";
        var line = LineOf(name, file, "scaled_dot_product_attention");

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded));
        Assert.That(report.Tests.Select(t => t.Name), Is.EquivalentTo(reference.Tests.Select(t => t.Name)), "every test is still listed");
        Assert.That(report.Score, Is.Zero, report.Describe);
        foreach (var test in report.Tests)
            Assert.That(test.Message, Does.StartWith($"Scored 0: this test reaches TorchSharp.torch.nn.functional.scaled_dot_product_attention at {file}:{line},")
                .And.Contain(BannedReach.AnyTest), test.Name);
        Assert.That(report.Annotations.Where(a => a.Level == AnnotationLevel.Failure).Select(a => (a.File, a.Line)), Is.EqualTo(new[] { (file, line) }));
    }

    /// <summary>
    /// A delegate to the banned call stored by one test's path in a static field and run on another's: once graded with every
    /// test at 0 (the grader could not tell which tests ran it), now refused before any test runs, since homework code may
    /// keep no state between calls.
    /// </summary>
    [Test]
    public void Given_sdpa_stored_in_a_static_on_another_tests_path_When_graded_Then_it_is_refused_as_static_state()
    {
        Assert.That(stored.Status, Is.EqualTo(GradeStatus.Rejected));
        Assert.That(stored.Score, Is.Zero, stored.Describe);
        Assert.That(stored.Summary, Does.Contain("The submission was refused, so no test ran: it uses static state Hw3.Attention.AttentionHead.Weigh at AttentionHead.cs:"));
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
    public void Given_a_file_read_in_a_module_forward_When_graded_Then_the_submission_is_refused_before_anything_runs()
    {
        var line = LineOf("sandbox-file-read", "LearnedPositionalEmbedding.cs", "System.IO.File.ReadAllText");

        Assert.That(fileRead.Status, Is.EqualTo(GradeStatus.Rejected), fileRead.Describe);
        Assert.That(fileRead.Annotations.Where(a => a.Level == AnnotationLevel.Failure).Select(a => (a.File, a.Line, a.Title)),
            Does.Contain(("LearnedPositionalEmbedding.cs", line, "not allowed: System.IO.File.ReadAllText(string)")));
        Assert.That(fileRead.Tests.Select(t => t.Name), Is.EquivalentTo(reference.Tests.Select(t => t.Name)), "every test is still listed");
        Assert.That(fileRead.Tests.Select(t => (t.Score, t.DurationSeconds)), Has.All.EqualTo((0.0, 0.0)), "nothing ran");
        Assert.That(fileRead.Summary, Does.Contain($"The submission was refused, so no test ran: it uses System.IO.File.ReadAllText(string) at LearnedPositionalEmbedding.cs:{line}, " +
                                                  "which homework code may not. Homework code may not touch the file system; the tests give you everything you need."));
    }
}
