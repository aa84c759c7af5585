using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Grader.Score;

namespace Course.Grader.Tests.Fairness;

/// <summary>variants.yaml: what it must say, how its edits apply, and when a variant's check holds.</summary>
public class VariantCorpusTests
{
    const string Yaml = """
        variants:
          - name: ov-circuit
            kind: correct
            why: "attention through W_V W_O"
            edits:
              - file: Attention.cs
                replace: |
                  var z = pattern.matmul(v);
                with: |
                  var z = pattern.matmul(x).matmul(W_V);
          - name: no-scale
            kind: bug
            why: "scores not divided by sqrt(d_head)"
            caught_by: [Hw.Tests.AttentionTests.Scores, Hw.Tests.OtherTests]
            edits:
              - file: Attention.cs
                replace: " / Math.Sqrt(d_head)"
                with: ""
        """;

    static readonly IReadOnlyList<SourceFile> Reference =
        [new("Attention.cs", "var scores = q.matmul(k) / Math.Sqrt(d_head);\nvar z = pattern.matmul(v);\n"), new("Other.cs", "// given\n")];

    [Test]
    public void Given_a_corpus_When_read_and_applied_Then_each_variant_is_the_reference_with_its_edits()
    {
        var variants = VariantCorpus.Read(Yaml, "variants.yaml");

        Assert.That(variants.Select(v => (v.Name, v.Kind)), Is.EqualTo(new[] { ("ov-circuit", VariantKind.Correct), ("no-scale", VariantKind.Bug) }));
        Assert.That(variants[1].CaughtBy, Is.EqualTo(new[] { "Hw.Tests.AttentionTests.Scores", "Hw.Tests.OtherTests" }));
        var bug = variants[1].ApplyTo(Reference, "variants.yaml");
        Assert.That(bug[0].Text, Is.EqualTo("var scores = q.matmul(k);\nvar z = pattern.matmul(v);\n"));
        Assert.That(bug[1], Is.EqualTo(Reference[1]));
        Assert.That(variants[0].ApplyTo(Reference, "variants.yaml")[0].Text, Does.Contain("pattern.matmul(x).matmul(W_V);\n"));
    }

    [TestCase("var", "more than once")]
    [TestCase("not in the file", "nowhere")]
    public void Given_an_edit_that_does_not_match_exactly_once_Then_applying_it_says_so(string replace, string expected)
    {
        var variant = new Variant("v", VariantKind.Bug, "why", ["T"], [new VariantEdit("Attention.cs", replace, "x")]);

        var e = Assert.Throws<VariantCorpusException>(() => variant.ApplyTo(Reference, "variants.yaml"));
        Assert.That(e!.Message, Does.Contain($"variant 'v': the text to replace occurs {expected} in Attention.cs"));
    }

    [Test]
    public void Given_incomplete_entries_Then_every_problem_is_listed()
    {
        const string bad = """
            variants:
              - name: Bad Name
                kind: maybe
                edits: []
              - name: no-catcher
                kind: bug
                why: "x"
                edits: [{file: A.cs, replace: a, with: b}]
              - name: no-catcher
                kind: correct
                why: "y"
                caught_by: [T]
                edits: [{file: A.cs, replace: a}]
            """;

        var e = Assert.Throws<VariantCorpusException>(() => VariantCorpus.Read(bad, "variants.yaml"));

        Assert.That(e!.Problems, Is.EqualTo(new[]
        {
            "variant 'Bad Name': 'name' must be kebab-case (a-z, 0-9, -)",
            "variant 'Bad Name': 'kind' must be 'correct', 'bug' or 'refused', not 'maybe'",
            "variant 'Bad Name': 'why' must say what the variant does",
            "variant 'Bad Name': 'edits' is empty",
            "variant 'no-catcher': the name is used twice",
            "variant 'no-catcher': a correct variant has no 'caught_by'",
            "variant 'no-catcher': each edit needs 'file', 'replace' and 'with'",
        }));
    }

    static GradeReport Report(params (string Name, bool Passed, string Message)[] tests) => new(
        GradeReport.CurrentSchemaVersion, "hw", "Hw", GradeStatus.Graded, tests.Count(t => t.Passed), tests.Length, "",
        [.. tests.Select(t => new TestGrade(t.Name, t.Name, "Hw.Tests", null, t.Passed, t.Passed ? 1 : 0, 1, TestVisibility.Visible, t.Message, "", 0))],
        [], new Provenance("v", "h", null, "validate"), DateTimeOffset.UnixEpoch);

    static readonly Variant Bug = new("no-scale", VariantKind.Bug, "why", ["Hw.Tests.A.Scores", "Hw.Tests.B"], []);

    [Test]
    public void Given_a_bug_Then_it_is_caught_only_when_every_named_test_ran_and_failed()
    {
        Assert.That(new VariantCheck(Bug, Report(("Hw.Tests.A.Scores", false, "off"), ("Hw.Tests.B.X(1)", false, "off"), ("Hw.Tests.C.Y", true, ""))).Holds, Is.True);

        var passes = new VariantCheck(Bug, Report(("Hw.Tests.A.Scores", false, "off"), ("Hw.Tests.B.X(1)", true, "")));
        Assert.That(passes.Problem, Is.EqualTo("the bug passes Hw.Tests.B.X(1)"));
        var notRun = new VariantCheck(Bug, Report(("Hw.Tests.A.Scores", false, ScoreStage.NoResult), ("Hw.Tests.B.X", false, "off")));
        Assert.That(notRun.Problem, Is.EqualTo("Hw.Tests.A.Scores did not run"));
        var unknown = new VariantCheck(Bug, Report(("Hw.Tests.A.ScoresMore", false, "off"), ("Hw.Tests.B.X", false, "off")));
        Assert.That(unknown.Problem, Is.EqualTo("caught_by names 'Hw.Tests.A.Scores', which is no test of this homework"), "a prefix ends at a '.' or '('");
    }

    [Test]
    public void Given_a_bug_without_caught_by_Then_it_never_holds_and_names_the_tests_it_fails_or_that_none_does()
    {
        var unnamed = Bug with { CaughtBy = [] };

        var failing = new VariantCheck(unnamed, Report(("Hw.Tests.A.Scores", false, "off"), ("Hw.Tests.B.X(1)", true, ""), ("Hw.Tests.C.Y", false, "off")));
        Assert.That(failing.Holds, Is.False, "a bug must say which tests catch it, even when some do");
        Assert.That(failing.Problem, Is.EqualTo("caught_by is empty; the bug fails 2 test(s), name those that should catch it: Hw.Tests.A.Scores, Hw.Tests.C.Y"));
        var notRun = new VariantCheck(unnamed, Report(("Hw.Tests.A.Scores", false, ScoreStage.NoResult), ("Hw.Tests.B.X", true, "")));
        Assert.That(notRun.Problem, Is.EqualTo("no test fails on this bug (caught_by is empty, so every test ran): the tests do not catch it"),
            "a test that did not run caught nothing");
        var many = new VariantCheck(unnamed, Report([.. Enumerable.Range(0, 10).Select(i => ($"Hw.Tests.T{i}", false, "off"))]));
        Assert.That(many.Problem, Does.EndWith("Hw.Tests.T7, and 2 more"));
    }

    [Test]
    public void Given_refused_entries_Then_they_need_what_the_refusal_names_and_no_catchers()
    {
        const string yaml = """
            variants:
              - name: cache
                kind: refused
                why: "a static cache"
                refused_for: "static state"
                edits: [{file: A.cs, replace: a, with: b}]
              - name: unnamed
                kind: refused
                why: "x"
                caught_by: [T]
                edits: [{file: A.cs, replace: a, with: b}]
              - name: misplaced
                kind: bug
                why: "y"
                caught_by: [T]
                refused_for: "static state"
                edits: [{file: A.cs, replace: a, with: b}]
            """;

        var e = Assert.Throws<VariantCorpusException>(() => VariantCorpus.Read(yaml, "variants.yaml"));

        Assert.That(e!.Problems, Is.EqualTo(new[]
        {
            "variant 'unnamed': a refused variant has no 'caught_by': no test runs",
            "variant 'unnamed': a refused variant needs 'refused_for', what its refusal names",
            "variant 'misplaced': only a refused variant has 'refused_for'",
        }));
        var read = VariantCorpus.Read(yaml.Split("  - name: unnamed")[0], "variants.yaml").Single();
        Assert.That((read.Kind, read.RefusedFor), Is.EqualTo((VariantKind.Refused, "static state")));
    }

    [Test]
    public void Given_a_refused_variant_Then_it_holds_only_when_refused_for_what_it_says()
    {
        var refused = Bug with { Kind = VariantKind.Refused, CaughtBy = [], RefusedFor = "static state" };
        GradeReport Rejected(string summary) => Report(("Hw.Tests.A.Scores", false, "not run")) with { Status = GradeStatus.Rejected, Summary = summary };

        Assert.That(new VariantCheck(refused, Rejected("The submission was refused: it uses static state Hw.A.Cache at A.cs:3")).Holds, Is.True);
        Assert.That(new VariantCheck(refused, Rejected("The submission was refused: it uses System.IO.File")).Problem,
            Is.EqualTo("refused, but not for 'static state': The submission was refused: it uses System.IO.File"));
        Assert.That(new VariantCheck(refused, Report(("Hw.Tests.A.Scores", true, ""))).Problem, Does.StartWith("not refused (Graded): "),
            "a refused variant that the grader lets through fails validate");
    }

    [Test]
    public void Given_a_correct_variant_Then_it_holds_only_with_full_marks_and_says_what_it_lost()
    {
        var correct = Bug with { Kind = VariantKind.Correct, CaughtBy = [] };

        Assert.That(new VariantCheck(correct, Report(("Hw.Tests.A.Scores", true, ""))).Holds, Is.True);
        Assert.That(new VariantCheck(correct, Report(("Hw.Tests.A.Scores", true, ""), ("Hw.Tests.A.Deep", false, "out: 1 of 9 elements differ\n  detail"))).Problem,
            Is.EqualTo("a correct solution loses 1 point(s) in 1 test(s); the first is Hw.Tests.A.Deep: out: 1 of 9 elements differ"));
    }

    [Test]
    public void Given_the_repo_Then_every_homework_corpus_reads_and_applies_to_its_reference()
    {
        var layout = CourseLayout.FindFrom(AppContext.BaseDirectory);
        foreach (var id in layout.AssignmentIds())
        {
            var manifest = layout.LoadManifest(id);
            var project = Path.Combine(layout.ReferenceDir(id), manifest.Project);
            var reference = SourceFile.ReadFolder(project, project);
            foreach (var variant in VariantCorpus.Load(layout, id))
                Assert.DoesNotThrow(() => variant.ApplyTo(reference, VariantCorpus.PathFor(layout, id)), $"{id}: {variant.Name}");
        }
    }
}
