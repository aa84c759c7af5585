using Course.Grader.Manifest;
using Course.Grader.Tests.Authoring;

namespace Course.Grader.Tests.Manifest;

public partial class AssignmentManifestTests
{
    private const string Id = "hw3-attention";

    private const string FullManifest = """
        id: hw3-attention
        title: Attention from scratch
        project: Hw3.Attention
        public_tests: Hw3.Attention.Tests
        hidden_tests: tests
        student_files:
          - CausalMask.cs
          - Heads/AttentionHead.cs
        banned_apis:
          - id: "M:TorchSharp.torch.nn.functional.scaled_dot_product_attention(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,System.Double,System.Boolean)"
            message: Implement attention yourself.
          - id: T:TorchSharp.Modules.MultiheadAttention
            message: Build multi-head attention from your heads.
        banned_policy: reject
        limits:
          test_timeout_seconds: 30
          total_timeout_seconds: 300
          memory_mb: 2048
        tests:
          Hw3.Attention.HiddenTests.TrainingTests.LearnsRepeatedSequence:
            points: 10
            visibility: hidden
          Hw3.Attention.Tests.CausalMaskTests.MasksTheFuture:
            visibility: after_due_date
        """;

    private const string MinimalManifest = """
        id: hw3-attention
        title: Attention from scratch
        project: Hw3.Attention
        public_tests: Hw3.Attention.Tests
        hidden_tests: tests
        student_files: [CausalMask.cs]
        """;

    private TempCourseRepo repo = null!;

    [SetUp]
    public void CreateRepo() => repo = new TempCourseRepo()
        .Write($"reference/{Id}/Hw3.Attention/CausalMask.cs", "")
        .Write($"reference/{Id}/Hw3.Attention/Heads/AttentionHead.cs", "")
        .Write($"reference/{Id}/Hw3.Attention.Tests/CausalMaskTests.cs", "")
        .Write($"assignments/{Id}/tests/TrainingTests.cs", "");

    [TearDown]
    public void DeleteRepo() => repo.Dispose();

    private AssignmentManifest Load(string yaml, string id = Id)
    {
        repo.Write($"assignments/{id}/assignment.yaml", yaml);
        return AssignmentManifest.Load(repo.PathOf($"assignments/{id}/assignment.yaml"));
    }

    private IReadOnlyList<string> ProblemsOf(string yaml, string id = Id) =>
        Assert.Throws<ManifestException>(() => Load(yaml, id))!.Problems;

    [Test]
    public void Given_every_key_When_loaded_Then_each_value_is_typed()
    {
        var manifest = Load(FullManifest);

        Assert.That(manifest.Id, Is.EqualTo(Id));
        Assert.That(manifest.Title, Is.EqualTo("Attention from scratch"));
        Assert.That((manifest.Project, manifest.PublicTests, manifest.HiddenTests), Is.EqualTo(("Hw3.Attention", "Hw3.Attention.Tests", "tests")));
        Assert.That(manifest.StudentFiles, Is.EqualTo(new[] { "CausalMask.cs", "Heads/AttentionHead.cs" }));
        Assert.That(manifest.BannedApis[1], Is.EqualTo(new BannedApi("T:TorchSharp.Modules.MultiheadAttention", "Build multi-head attention from your heads.")));
        Assert.That(manifest.BannedApis[0].Id, Does.EndWith("System.Double,System.Boolean)"));
        Assert.That(manifest.BannedPolicy, Is.EqualTo(BannedPolicy.Reject));
        Assert.That(manifest.Limits, Is.EqualTo(new AssignmentLimits(30, 300, 2048)));
        Assert.That(manifest.Tests["Hw3.Attention.HiddenTests.TrainingTests.LearnsRepeatedSequence"], Is.EqualTo(new TestOverride(10, TestVisibility.Hidden)));
        Assert.That(manifest.Tests["Hw3.Attention.Tests.CausalMaskTests.MasksTheFuture"], Is.EqualTo(new TestOverride(null, TestVisibility.AfterDueDate)));
    }

    [Test]
    public void Given_only_the_required_keys_When_loaded_Then_the_rest_takes_defaults()
    {
        var manifest = Load(MinimalManifest);

        Assert.That(manifest.BannedApis, Is.Empty);
        Assert.That(manifest.BannedPolicy, Is.EqualTo(BannedPolicy.ZeroTests));
        Assert.That(manifest.Limits, Is.EqualTo(AssignmentLimits.Default));
        Assert.That(manifest.Tests, Is.Empty);
    }

    [Test]
    public void Given_a_misspelt_key_When_loaded_Then_the_error_names_it_its_line_and_the_allowed_keys()
    {
        var problems = ProblemsOf(MinimalManifest.Replace("title:", "tittle:"));

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("line 2, column 1: unknown key 'tittle'; expected one of: id, title, project"));
    }

    [Test]
    public void Given_a_misspelt_nested_key_When_loaded_Then_the_error_names_it()
    {
        var problems = ProblemsOf(MinimalManifest + "\nlimits:\n  memory_gb: 4\n");

        Assert.That(problems[0], Does.Contain("unknown key 'memory_gb'; expected one of: test_timeout_seconds, total_timeout_seconds, memory_mb, compile_timeout_seconds"));
    }

    [Test]
    public void Given_missing_required_keys_When_loaded_Then_each_is_reported()
    {
        var problems = ProblemsOf("id: hw3-attention\nproject: Hw3.Attention\n");

        Assert.That(problems, Is.SupersetOf(new[]
        {
            "'title' is required",
            "'public_tests' is required",
            "'hidden_tests' is required",
            "'student_files' must list at least one file of the homework project",
        }));
    }

    [Test]
    public void Given_an_id_that_differs_from_its_folder_When_loaded_Then_it_fails()
    {
        var problems = ProblemsOf(MinimalManifest, id: "hw4-transformer");

        Assert.That(problems, Is.EqualTo(new[] { "id 'hw3-attention' must equal the name of the folder holding the manifest, 'hw4-transformer'" }));
    }

    [Test]
    public void Given_limits_that_are_not_positive_When_loaded_Then_each_is_reported()
    {
        var problems = ProblemsOf(MinimalManifest + "\nlimits:\n  test_timeout_seconds: 0\n  memory_mb: -1\n");

        Assert.That(problems, Is.EqualTo(new[]
        {
            "'limits.test_timeout_seconds' must be positive, not 0",
            "'limits.memory_mb' must be positive, not -1",
        }));
    }

    [Test]
    public void Given_a_total_timeout_below_the_per_test_timeout_When_loaded_Then_it_fails()
    {
        var problems = ProblemsOf(MinimalManifest + "\nlimits:\n  test_timeout_seconds: 60\n  total_timeout_seconds: 30\n");

        Assert.That(problems, Is.EqualTo(new[] { "limits.total_timeout_seconds (30) must be at least limits.test_timeout_seconds (60)" }));
    }

    [Test]
    public void Given_a_banned_id_without_a_kind_prefix_When_loaded_Then_it_fails()
    {
        var problems = ProblemsOf(MinimalManifest + "\nbanned_apis:\n  - id: TorchSharp.torch.nn.functional.softmax\n    message: no\n");

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("banned_apis[0].id 'TorchSharp.torch.nn.functional.softmax' must be a documentation-comment ID starting with M:, T:"));
    }

    [Test]
    public void Given_allowed_apis_with_reasons_and_a_compile_limit_When_loaded_Then_they_widen_the_homeworks_allow_list()
    {
        var manifest = Load(MinimalManifest + """

            allowed_apis:
              - id: T:System.Diagnostics.Stopwatch
                reason: the handout asks students to time their training loop
            limits:
              compile_timeout_seconds: 20
            """);

        Assert.That(manifest.ExtraAllowedApis, Is.EqualTo(new[] { new AllowedApi("T:System.Diagnostics.Stopwatch", "the handout asks students to time their training loop") }));
        Assert.That(manifest.Limits.CompileTimeoutSeconds, Is.EqualTo(20));
    }

    [Test]
    public void Given_an_allowed_api_without_a_reason_or_kind_When_loaded_Then_both_are_reported()
    {
        var problems = ProblemsOf(MinimalManifest + "\nallowed_apis:\n  - id: T:System.Diagnostics.Stopwatch\n  - id: System.IO.File\n    reason: files\n");

        Assert.That(problems, Is.EqualTo(new[]
        {
            "'allowed_apis[0].reason' is required",
            "allowed_apis[1].id 'System.IO.File' must be a documentation-comment ID starting with M:, T:, N:, P:, F:, E:",
        }));
    }

    [Test]
    public void Given_a_banned_api_without_a_message_When_loaded_Then_it_fails()
    {
        var problems = ProblemsOf(MinimalManifest + "\nbanned_apis:\n  - id: T:System.IO.File\n");

        Assert.That(problems, Is.EqualTo(new[] { "'banned_apis[0].message' is required" }));
    }

    [TestCase("banned_policy: lenient", "'banned_policy' must be zero_tests or reject, not 'lenient'")]
    [TestCase("tests:\n  A.B.C:\n    visibility: secret", "tests.A.B.C.visibility must be visible, hidden or after_due_date, not 'secret'")]
    [TestCase("tests:\n  A.B.C:\n    points: -1", "tests.A.B.C.points must be a finite number >= 0, not -1")]
    [TestCase("tests:\n  A.B.C: {}", "tests.A.B.C must set points or visibility")]
    [TestCase("student_files: [../escape.cs]", "'student_files' must be a relative path with '/' separators inside its folder, not '../escape.cs'")]
    public void Given_an_invalid_value_When_loaded_Then_the_problem_says_what_is_allowed(string yaml, string problem)
    {
        var manifest = MinimalManifest.Replace("student_files: [CausalMask.cs]", "");
        if (!yaml.StartsWith("student_files", StringComparison.Ordinal))
            manifest += "\nstudent_files: [CausalMask.cs]";

        Assert.That(ProblemsOf(manifest + "\n" + yaml + "\n"), Is.EqualTo(new[] { problem }));
    }

    [Test]
    public void Given_a_duplicated_key_When_loaded_Then_it_fails_with_its_line()
    {
        var problems = ProblemsOf(MinimalManifest + "\ntitle: Again\n");

        Assert.That(problems[0], Does.StartWith("line 7, column 1:"));
    }

    [Test]
    public void Given_an_empty_file_When_loaded_Then_it_fails()
    {
        Assert.That(ProblemsOf(""), Is.EqualTo(new[] { "the file is empty" }));
    }

    [Test]
    public void Given_a_manifest_in_the_repo_When_loaded_through_the_layout_Then_it_checks_the_folders_and_student_files_exist()
    {
        repo.Write($"assignments/{Id}/assignment.yaml", MinimalManifest.Replace("[CausalMask.cs]", "[CausalMask.cs, Missing.cs]").Replace("hidden_tests: tests", "hidden_tests: hidden"));

        var error = Assert.Throws<ManifestException>(() => repo.Layout.LoadManifest(Id))!;

        Assert.That(error.Problems, Has.Count.EqualTo(2));
        Assert.That(error.Problems[0], Does.StartWith("'hidden_tests' names a folder that does not exist:"));
        Assert.That(error.Problems[1], Is.EqualTo($"student file 'Missing.cs' does not exist in reference/{Id}/Hw3.Attention"));
        Assert.That(error.Message, Does.Contain("assignment.yaml is invalid:"));
    }

    [Test]
    public void Given_a_consistent_repo_When_loaded_through_the_layout_Then_it_loads()
    {
        repo.Write($"assignments/{Id}/assignment.yaml", FullManifest);

        Assert.That(repo.Layout.LoadManifest(Id).StudentFiles, Has.Count.EqualTo(2));
        Assert.That(repo.Layout.AssignmentIds(), Is.EqualTo(new[] { Id }));
    }
}
