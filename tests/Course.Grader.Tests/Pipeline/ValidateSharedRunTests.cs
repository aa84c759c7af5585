using Course.Grader.Authoring;
using Course.Grader.Pipeline;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// `course validate` puts checks that cannot see one another's changes into one run, and grades a check alone when its
/// share of a run is not a clean result: in a throwaway course with three independent functions, the stubs share a run,
/// and two bugs that each add a helper of the same name, which do not compile together, are still each caught on their own.
/// </summary>
public class ValidateSharedRunTests
{
    const string Solution = """
        namespace Hw0.Plain;

        public static class Plain
        {
            public static int Answer()
            {
                // BEGIN SOLUTION: forty-two
                return 42;
                // END SOLUTION
            }

            public static int Twice(int x)
            {
                // BEGIN SOLUTION: double it
                return 2 * x;
                // END SOLUTION
            }

            public static int Negate(int x)
            {
                // BEGIN SOLUTION: negate it
                return -x;
                // END SOLUTION
            }
        }
        """;

    const string Tests = """
            [Test, Points(1)]
            public void Answer_Is42() => Assert.That(Plain.Answer(), Is.EqualTo(42));

            [Test, Points(1)]
            public void Twice_Doubles() => Assert.That(Plain.Twice(3), Is.EqualTo(6));

            [Test, Points(1)]
            public void Negate_Negates() => Assert.That(Plain.Negate(3), Is.EqualTo(-3));
        """;

    const string Corpus = """
        variants:
          - name: twice-by-a-helper-that-adds-one
            kind: bug
            why: "a helper that is off by one"
            caught_by: [Hw0.Plain.Tests.PublicTests.Twice_Doubles]
            edits:
              - file: Plain.cs
                replace: "return 2 * x;"
                with: "return Helper(x); } static int Helper(int x) { return 2 * x + 1;"
          - name: negate-by-a-helper-that-forgets-the-sign
            kind: bug
            why: "a helper of the same name that forgets the sign"
            caught_by: [Hw0.Plain.Tests.PublicTests.Negate_Negates]
            edits:
              - file: Plain.cs
                replace: "return -x;"
                with: "return Helper(x); } static int Helper(int x) { return x;"
          - name: negate-by-subtraction
            kind: correct
            why: "0 - x"
            edits:
              - file: Plain.cs
                replace: "return -x;"
                with: "return 0 - x;"
          - name: twice-by-addition
            kind: correct
            why: "x + x"
            edits:
              - file: Plain.cs
                replace: "return 2 * x;"
                with: "return x + x;"
        """;

    /// <summary>
    /// A throwaway course whose plain homework has <paramref name="solution"/> (<see cref="Solution"/> unless given),
    /// <paramref name="tests"/> (<see cref="Tests"/>) and <paramref name="corpus"/>, its starter synced.
    /// </summary>
    static GivenLibraryCourse PlainCourse(string corpus, out string id, string solution = Solution, string tests = Tests)
    {
        var course = new GivenLibraryCourse();
        id = GivenLibraryCourse.WithoutLibrary;
        course.Write($"reference/{id}/Hw0.Plain/Plain.cs", solution);
        var publicTests = course.PathOf($"reference/{id}/Hw0.Plain.Tests/PublicTests.cs");
        var text = File.ReadAllText(publicTests);
        var body = text.IndexOf("[Test, Points(1)]", StringComparison.Ordinal);
        File.WriteAllText(publicTests, text[..body] + tests.Trim() + "\n}\n");
        course.Write($"assignments/{id}/variants.yaml", corpus);
        new StarterSync(course.Layout).Apply(id);
        return course;
    }

    [Test]
    public async Task Given_independent_regions_and_bugs_that_do_not_compile_together_When_validated_Then_they_share_runs_where_they_can_and_every_check_holds()
    {
        using var course = PlainCourse(Corpus, out var id);
        var progress = new List<string>();

        var report = await ValidatePipeline.ValidateAsync(course.Layout, id, progress: new ValidateStubRunTests.Recorder(progress));

        var lines = string.Join("\n", progress);
        Assert.That(report.Passed, Is.True, lines + "\n" + string.Join("\n", report.Variants.Select(v => $"{v.Variant.Name}: {v.Problem}")));
        Assert.That(progress, Has.One.StartsWith("3 checks in one run: stub Plain.Answer"), lines);
        Assert.That(progress, Has.One.StartsWith("2 checks in one run: bug twice-by-a-helper-that-adds-one; bug negate-by-a-helper-that-forgets-the-sign"), lines);
        Assert.That(progress, Has.One.EqualTo("bug twice-by-a-helper-that-adds-one").And.One.EqualTo("bug negate-by-a-helper-that-forgets-the-sign"),
            "together they declare Helper twice and do not compile, so each runs again alone");
        Assert.That(progress, Has.One.StartsWith("2 checks in one run: correct variant negate-by-subtraction under float noise; correct variant twice-by-addition"), lines);
        Assert.That(report.Regions, Has.Count.EqualTo(3).And.All.Matches<RegionCheck>(r => r!.FailingTests.Count == 1));
        Assert.That(report.Variants.Where(v => v.RanOnly is not null).Select(v => v.Checked.Count), Is.EqualTo(new[] { 1, 1 }),
            "a correct variant's share holds only the tests that see its edit");
    }

    [Test]
    public async Task Given_a_bug_without_caught_by_When_validated_Then_it_runs_every_test_and_the_homework_fails_naming_the_tests_it_fails()
    {
        const string unnamed = """
            variants:
              - name: twice-off-by-one
                kind: bug
                why: "2 x + 1"
                edits:
                  - file: Plain.cs
                    replace: "return 2 * x;"
                    with: "return 2 * x + 1;"
              - name: negate-twice
                kind: bug
                why: "a sign flipped twice"
                edits:
                  - file: Plain.cs
                    replace: "return -x;"
                    with: "return -(-(-x));"
            """;
        using var course = PlainCourse(unnamed, out var id);

        var report = await ValidatePipeline.ValidateAsync(course.Layout, id);

        Assert.That(report.Passed, Is.False, "a bug that names no test cannot hold");
        var offByOne = report.Variants.Single(v => v.Variant.Name == "twice-off-by-one");
        Assert.That(offByOne.Report.Tests.Select(t => t.FullName), Is.EquivalentTo(report.Reference.Tests.Select(t => t.FullName)), "with no caught_by, every test runs");
        Assert.That(offByOne.Problem, Is.EqualTo("caught_by is empty; the bug fails 1 test(s), name those that should catch it: Hw0.Plain.Tests.PublicTests.Twice_Doubles"));
        Assert.That(report.Variants.Single(v => v.Variant.Name == "negate-twice").Problem,
            Is.EqualTo("no test fails on this bug (caught_by is empty, so every test ran): the tests do not catch it"),
            "-(-(-x)) is -x: a variant no test catches says so");
    }

    [Test]
    public async Task Given_correct_variants_whose_tests_overlap_When_validated_Then_they_share_a_run_and_one_that_loses_a_point_is_graded_again_alone()
    {
        // NegTwice calls Twice and Negate, so its test sees both variants' edits.
        const string composed = Solution + """

            public static class Composed
            {
                public static int NegTwice(int x)
                {
                    // BEGIN SOLUTION: negate twice x
                    return Plain.Negate(Plain.Twice(x));
                    // END SOLUTION
                }
            }
            """;
        const string tests = Tests + """

                [Test, Points(1)]
                public void NegTwice_Composes() => Assert.That(Composed.NegTwice(3), Is.EqualTo(-6));
            """;
        const string corpus = """
            variants:
              - name: twice-by-addition
                kind: correct
                why: "x + x"
                edits:
                  - file: Plain.cs
                    replace: "return 2 * x;"
                    with: "return x + x;"
              - name: negate-as-one-minus
                kind: correct
                why: "not correct at all: 1 - x"
                edits:
                  - file: Plain.cs
                    replace: "return -x;"
                    with: "return 1 - x;"
            """;
        using var course = PlainCourse(corpus, out var id, composed, tests);
        var progress = new List<string>();

        var report = await ValidatePipeline.ValidateAsync(course.Layout, id, progress: new ValidateStubRunTests.Recorder(progress));

        var lines = string.Join("\n", progress);
        Assert.That(progress, Has.One.EqualTo("2 checks in one run: correct variant twice-by-addition under float noise; correct variant negate-as-one-minus under float noise"), lines);
        Assert.That(progress, Has.One.EqualTo("correct variant twice-by-addition under float noise").And.One.EqualTo("correct variant negate-as-one-minus under float noise"),
            "their shared run lost points, so each is graded again alone");
        var twice = report.Variants.Single(v => v.Variant.Name == "twice-by-addition");
        var negate = report.Variants.Single(v => v.Variant.Name == "negate-as-one-minus");
        Assert.That(twice.Problem, Is.Null, "x + x keeps every point on its own: NegTwice failed in the shared run for 1 - x's sake");
        Assert.That(negate.Problem, Is.Not.Null);
        Assert.That(negate.Report.Tests.Where(t => !t.Passed && t.DurationSeconds > 0).Select(t => t.Name), Is.EquivalentTo(new[] { "PublicTests.Negate_Negates", "PublicTests.NegTwice_Composes" }));
        Assert.That(report.Passed, Is.False);
    }
}
