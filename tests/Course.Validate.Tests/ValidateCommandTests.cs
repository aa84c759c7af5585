using System.Globalization;
using System.Text.RegularExpressions;
using Course.Grader.Fairness;
using Course.Grader.Manifest;
using Course.Tests.Shared;

namespace Course.Validate.Tests;

/// <summary>
/// `course validate` and `course grade` on every homework of the repo: a homework lands only when its tests
/// are fair and its bundled half-done submission earns partial credit.
/// </summary>
[NonParallelizable]
public class ValidateCommandTests
{
    static readonly CourseLayout Layout = CourseLayout.FindFrom(AppContext.BaseDirectory);

    static IEnumerable<string> Homeworks() => Layout.AssignmentIds();

    static (int ExitCode, string Output) Run(params string[] args) => ConsoleApps.Course(Layout.Root, args);

    /// <summary>
    /// Every homework validated by one <c>course validate --all</c>, as CI and a TA run it: one process pays for the grader's
    /// warm-up once. With <c>--messages</c>, which costs nothing more, so that what each corpus bug reads is checked too.
    /// </summary>
    static readonly Lazy<(int ExitCode, string Output)> ValidatedTogether = new(() => Run("validate", "--all", "--messages"));

    /// <summary>One homework's part of the output: the homeworks come in the repo's order, each ending with its verdict line.</summary>
    static string SectionOf(string output, string id)
    {
        var sections = Regex.Split(output, @"(?<=^validate: (?:the tests are fair|FAILED)\r?\n)", RegexOptions.Multiline);
        var index = Homeworks().ToList().IndexOf(id);
        Assert.That(sections, Has.Length.GreaterThan(index), output);
        return sections[index];
    }

    [Test]
    public void Given_every_homework_validated_together_Then_the_last_line_says_all_are_fair_and_it_exits_0()
    {
        var (exitCode, output) = ValidatedTogether.Value;

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(Regex.Matches(output, "^validate: the tests are fair$", RegexOptions.Multiline), Has.Count.EqualTo(Homeworks().Count()));
        Assert.That(output.TrimEnd(), Does.EndWith($"validate: all {Homeworks().Count()} homeworks are fair"));
    }

    [Test]
    public void Given_neither_a_homework_nor_all_When_validating_Then_it_exits_2_saying_what_to_give()
    {
        var (exitCode, output) = Run("validate");

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("name the homeworks to validate, or give --all"));
    }

    [Test]
    public void Given_the_repo_Then_every_homework_in_it_is_checked_here() =>
        Assert.That(Homeworks(), Is.SupersetOf(new[] { "hw1-lm-basics", "hw2-backprop", "hw3-attention", "hw4-transformer", "hw5-probes", "hw6-patching", "hw7-sae", "hw8-circuits", "hw9-alignment" }));

    [TestCaseSource(nameof(Homeworks))]
    public void Given_a_homework_When_validated_Then_it_exits_0_with_reference_full_marks_also_under_float_noise_starter_zero_every_region_guarded_and_its_corpus_holding(string id)
    {
        var manifest = Layout.LoadManifest(id);
        var project = Path.Combine(Layout.ReferenceDir(id), manifest.Project);
        var regions = manifest.StudentFiles.Sum(f => Regex.Count(File.ReadAllText(Path.Combine(project, f)), "// BEGIN SOLUTION"));

        var (exitCode, all) = ValidatedTogether.Value;
        var output = SectionOf(all, id);

        var corpus = VariantCorpus.Load(Layout, id);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"validate {id}"), "each homework's section carries its own table");
        // Two homeworks are validated at once: the next one's progress is held until this section is written.
        Assert.That(Regex.Matches(output, @"^grading reference \.\.\.$", RegexOptions.Multiline), Has.Count.EqualTo(1), "each section holds its own homework's progress, and only its own");
        Assert.That(output.IndexOf("grading reference ...", StringComparison.Ordinal), Is.LessThan(output.IndexOf($"validate {id}", StringComparison.Ordinal)), "a section's progress comes before its table");
        Assert.That(output, Does.Match(@"reference gets full marks\s+│\s+100/100\s+│\s+ok"));
        Assert.That(output, Does.Match(@"reference holds under float noise\s+│\s+100/100\s+│\s+ok"));
        Assert.That(output, Does.Match(@"starter gets zero\s+│\s+0/100\s+│\s+ok"));
        Assert.That(Regex.Matches(output, @"│ stub .*│ guarded by \d+ test\(s\)"), Has.Count.EqualTo(regions));
        Assert.That(corpus.Count(v => v.Kind == VariantKind.Correct), Is.GreaterThanOrEqualTo(4), "several correct variants per homework");
        Assert.That(Regex.Matches(output, @"│ correct .*│\s+([\d.]+)/\1\s+│ keeps every point of (all|the) \d+ test\(s\)"),
            Has.Count.EqualTo(corpus.Count(v => v.Kind == VariantKind.Correct)));
        Assert.That(corpus.Count(v => v.Kind == VariantKind.Bug), Is.GreaterThanOrEqualTo(15), "a corpus of plausible bugs per homework, each of which must lose points");
        Assert.That(Regex.Matches(output, @"│ bug .*│ caught by \d+ test\(s\)"), Has.Count.EqualTo(corpus.Count(v => v.Kind == VariantKind.Bug)));
        Assert.That(Regex.Matches(output, @"│ refused .*│ refused for "), Has.Count.EqualTo(corpus.Count(v => v.Kind == VariantKind.Refused)));
        Assert.That(output, Does.Not.Contain("NOT GUARDED").And.Not.Contain("reference fails").And.Not.Contain("starter passes")
            .And.Not.Contain("NOT CAUGHT").And.Not.Contain("loses points").And.Not.Contain("under float noise fails"));
        Assert.That(output.TrimEnd(), Does.EndWith("validate: the tests are fair"));
    }

    [TestCaseSource(nameof(Homeworks))]
    public void Given_a_homework_When_validated_with_messages_Then_every_corpus_bug_reads_a_first_line_that_says_what_was_expected(string id)
    {
        var output = SectionOf(ValidatedTogether.Value.Output, id);
        var bugs = VariantCorpus.Load(Layout, id).Where(v => v.Kind == VariantKind.Bug).Select(v => v.Name).ToList();

        var read = Regex.Matches(output, @"^bug (?<bug>\S+) reads (?<test>[^:\n]+): (?<line>.*)$", RegexOptions.Multiline);

        Assert.That(read.Select(m => m.Groups["bug"].Value).Distinct(), Is.EquivalentTo(bugs), "a message line for every bug, from each test that catches it");
        // NUnit's own first line for an assertion without a message is its expression; a raw exception's is its type: neither
        // says what was expected (an exception thrown by student code leads with its line, in the grader's words, and a stub
        // left in place, a bug whose part no other call reaches, with "not implemented yet: " and the starter's own hint).
        Assert.That(read.Where(m => m.Groups["line"].Value.StartsWith("Assert.", StringComparison.Ordinal)
                || m.Groups["line"].Value.StartsWith("System.", StringComparison.Ordinal)
                || m.Groups["line"].Value.Contains(", device = ", StringComparison.Ordinal))
            .Select(m => m.Value), Is.Empty, "first lines that give NUnit's expression, a raw exception or a tensor's str() header instead of what was expected");
    }

    /// <summary>
    /// On the public tests, as a student's push grades it. Its hidden tests would add the training checks of hw4, hw5 and
    /// hw9 (about 45 s of a core), which validate's runs of the reference, the starter and every bug already pass through;
    /// the README's grade of hw3's example runs them.
    /// </summary>
    [TestCaseSource(nameof(Homeworks))]
    public void Given_a_homework_When_its_bundled_partial_submission_is_graded_on_its_public_tests_Then_it_earns_partial_credit_with_feedback(string id)
    {
        var (exitCode, output) = Run("grade", id, "--public-only");

        Assert.That(exitCode, Is.EqualTo(0), output);
        var score = Regex.Match(output, @"Score: ([\d.]+)/([\d.]+)");
        Assert.That(score.Success, Is.True, output);
        var (earned, max) = (double.Parse(score.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(score.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.That(earned, Is.GreaterThan(0).And.LessThan(max), output);
        Assert.That(output, Does.Contain("FAIL").And.Contain("PASS"), "the table shows both what works and what does not");
    }

    [Test]
    public void Given_no_room_for_a_single_job_When_validating_Then_it_exits_2_before_grading_anything()
    {
        var (exitCode, output) = Run("validate", "hw1-lm-basics", "--jobs", "0");

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("--jobs must be at least 1").And.Not.Contain("grading reference"));
    }
}
