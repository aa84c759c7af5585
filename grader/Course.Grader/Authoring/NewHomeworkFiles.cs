using System.Text.RegularExpressions;
using Course.Grader.Fairness;
using Course.Grader.Manifest;

namespace Course.Grader.Authoring;

/// <summary>
/// The files <c>course new</c> writes: a one-function homework (<c>Functions.Scale(x, factor)</c>) laid out like the
/// course's others, with every convention in place for a TA to replace the example with the real thing. 100 points:
/// 50 + 20 public, 30 hidden (one parameterised test of two cases, to show how points split over cases).
/// </summary>
internal static partial class NewHomeworkFiles
{
    public const string StudentFile = "Functions.cs";
    public const string HiddenTestsFolder = "tests";

    /// <summary>The homework's project names: its project, public tests and hidden tests.</summary>
    public static string[] ProjectNames(string project) => [project, $"{project}.Tests", $"{project}.HiddenTests"];

    /// <summary>Every file but the starter's, keyed by its path relative to the course root ('/' separators).</summary>
    public static IReadOnlyDictionary<string, string> For(string id, string project, string title)
    {
        var reference = $"{CourseLayout.ReferenceFolder}/{id}";
        var assignment = $"{CourseLayout.AssignmentsFolder}/{id}";
        var homework = Homework(id);
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{reference}/{project}/{project}.csproj"] = ReferenceProject(project, homework, title),
            [$"{reference}/{project}/{StudentFile}"] = Functions(project),
            [$"{reference}/{project}.Tests/{project}.Tests.csproj"] = PublicTestsProject(project, homework),
            [$"{reference}/{project}.Tests/ScaleTests.cs"] = PublicTests(project),
            [$"{assignment}/{HiddenTestsFolder}/{project}.HiddenTests.csproj"] = HiddenTestsProject(id, project, homework),
            [$"{assignment}/{HiddenTestsFolder}/HiddenScaleTests.cs"] = HiddenTests(project),
            [$"{assignment}/{AssignmentManifest.FileName}"] = Manifest(id, project, title),
            [$"{assignment}/handout.md"] = Handout(id, project, homework, title),
            [$"{assignment}/{VariantCorpus.FileName}"] = Variants(id, project),
            [$"{assignment}/examples/partial/{StudentFile}"] = PartialSubmission(project),
            [$"{assignment}/examples/partial/README.md"] = PartialReadme(id),
        };
    }

    /// <summary>"Homework 10" for hw10-example; the id itself when it does not start with hw and a number.</summary>
    static string Homework(string id) => HomeworkNumber().Match(id) is { Success: true } m ? $"Homework {m.Groups[1].Value}" : $"Homework {id}";

    /// <summary>An XML comment may not hold "--".</summary>
    static string InXmlComment(string text) => text.Replace("--", "- -", StringComparison.Ordinal);

    static string YamlQuoted(string text) => $"\"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    static string ReferenceProject(string project, string homework, string title) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <!-- {InXmlComment(homework)}: {InXmlComment(title)}. The reference solution; the starter is generated from it by `course sync`. -->
          <PropertyGroup>
            <UsesTorch>true</UsesTorch>
            <RootNamespace>{project}</RootNamespace>
          </PropertyGroup>
        </Project>

        """;

    static string Functions(string project) => $$"""
        using static TorchSharp.torch;

        namespace {{project}};

        /// <summary>
        /// The homework's functions. The code between the solution markers is the reference solution: `course sync` replaces
        /// each region with `throw new NotImplementedException("<the hint>")` in the starter, and `course validate` checks
        /// that stubbing it costs points. Replace this example with the homework's own code.
        /// </summary>
        public static class Functions
        {
            /// <summary>
            /// Returns <paramref name="x"/> with every entry multiplied by <paramref name="factor"/>, as a new tensor of the same
            /// shape and dtype; <paramref name="x"/> itself is unchanged.
            /// </summary>
            public static Tensor Scale(Tensor x, double factor)
            {
                // BEGIN SOLUTION: multiply x by factor into a new tensor (x * factor); do not change x in place (no mul_)
                return x * factor;
                // END SOLUTION
            }
        }

        """;

    static string PublicTestsProject(string project, string homework) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <!-- Public tests of {InXmlComment(homework)}: they ship to students with the starter. Goldens are recorded with COURSE_GOLDEN=record against the reference. -->
          <PropertyGroup>
            <UsesTorch>true</UsesTorch>
            <IsPackable>false</IsPackable>
            <IsTestProject>true</IsTestProject>
            <RootNamespace>{project}.Tests</RootNamespace>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.NET.Test.Sdk" />
            <PackageReference Include="NUnit" />
            <PackageReference Include="NUnit3TestAdapter" />
          </ItemGroup>
          <ItemGroup>
            <ProjectReference Include="../{project}/{project}.csproj" />
            <ProjectReference Include="$(CourseRoot)grader/Course.Testing/Course.Testing.csproj" />
          </ItemGroup>
          <ItemGroup>
            <None Include="golden/**" CopyToOutputDirectory="PreserveNewest" />
          </ItemGroup>
        </Project>

        """;

    static string PublicTests(string project) => $$"""
        using Course.Testing;
        using NUnit.Framework;
        using static TorchSharp.torch;

        namespace {{project}}.Tests;

        // Public tests: students see them, run them with `dotnet test`, and see each one's result and message when graded.
        // Every test needs [Points]; a fixture derives from TorchTest (a dispose scope, a fixed seed, float32, no TF32).
        public sealed class ScaleTests : TorchTest
        {
            [Test, Points(50)]
            public void Scale_MultipliesEveryEntryByTheFactor()
            {
                using var seeded = new Seeded(1);
                var x = seeded.Randn([3, 4]);
                var expected = tensor(x.cpu().data<float>().ToArray().Select(v => v * 2.5f).ToArray(), [3, 4]).to(Device);

                TensorAssert.Close(Functions.Scale(x, 2.5), expected, name: "Functions.Scale(x [3, 4], 2.5)");
            }

            [Test, Points(20)]
            public void Scale_DoesNotModifyItsInput()
            {
                using var seeded = new Seeded(2);
                var x = seeded.Randn([5]);
                var before = x.clone();

                Functions.Scale(x, 3.0);

                TensorAssert.Close(x, before, Tolerance.Exact, "x after Functions.Scale(x, 3.0) (use x * factor, which makes a new tensor, not x.mul_)");
            }
        }

        """;

    static string HiddenTestsProject(string id, string project, string homework) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <!--
            Hidden tests of {InXmlComment(homework)}. They build against $(HomeworkProject): the reference by default, the student's
            project when the grader sets it. Goldens are recorded with COURSE_GOLDEN=record against the reference.
          -->
          <PropertyGroup>
            <UsesTorch>true</UsesTorch>
            <IsPackable>false</IsPackable>
            <IsTestProject>true</IsTestProject>
            <HiddenTests>true</HiddenTests>
            <RootNamespace>{project}.HiddenTests</RootNamespace>
            <HomeworkProject Condition="'$(HomeworkProject)' == ''">$(CourseRoot){CourseLayout.ReferenceFolder}/{id}/{project}/{project}.csproj</HomeworkProject>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.NET.Test.Sdk" />
            <PackageReference Include="NUnit" />
            <PackageReference Include="NUnit3TestAdapter" />
          </ItemGroup>
          <ItemGroup>
            <ProjectReference Include="$(HomeworkProject)" />
            <ProjectReference Include="$(CourseRoot)grader/Course.Testing/Course.Testing.csproj" />
          </ItemGroup>
          <ItemGroup>
            <None Include="golden/**" CopyToOutputDirectory="PreserveNewest" />
          </ItemGroup>
        </Project>

        """;

    static string HiddenTests(string project) => $$"""
        using Course.Testing;
        using NUnit.Framework;
        using static TorchSharp.torch;

        namespace {{project}}.HiddenTests;

        // Hidden tests: they count in the score, but students see only how many passed, never their names or messages.
        // A test here is hidden because of where it lives, with no attribute needed; [Visibility(Visibility.AfterDueDate)]
        // would show it after the due date. A parameterised test splits its points evenly over its cases: 30 here, 15 a case.
        public sealed class HiddenScaleTests : TorchTest
        {
            [TestCase(0.0)]
            [TestCase(-3.0)]
            [Points(30)]
            public void Scale_WorksForZeroAndNegativeFactors_AndKeepsTheShape(double factor)
            {
                using var seeded = new Seeded(101);
                var x = seeded.Randn([2, 3, 4], ScalarType.Float64);
                var expected = tensor(x.cpu().data<double>().ToArray().Select(v => v * factor).ToArray(), [2, 3, 4], ScalarType.Float64).to(Device);

                TensorAssert.Close(Functions.Scale(x, factor), expected, name: $"Functions.Scale(x [2, 3, 4] float64, {factor})");
            }
        }

        """;

    static string Manifest(string id, string project, string title) => $"""
        # The manifest of {id}: what `course grade`, `validate` and `export` read (docs/authoring.md describes every key).
        # A copy ships with the student repo (in .course/), so write nothing here that students may not read.

        # id (required): this folder's name, assignments/<id>; also reference/<id> and starter/<id>.
        id: {id}
        # title (required): the homework's name in reports and the student repo.
        title: {YamlQuoted(title)}
        # project (required): the homework project's folder in reference/<id>/ and starter/<id>/ (and the student repo).
        project: {project}
        # public_tests (required): the public test project's folder in reference/<id>/; `course sync` copies it to the
        # starter and `course export` ships it. Students see each public test's name, result and message.
        public_tests: {project}.Tests
        # hidden_tests (required): the hidden test project's folder in assignments/<id>/; it never leaves the grader, and
        # every test in it is hidden (students see how many passed) unless its [Visibility] says after_due_date.
        hidden_tests: {HiddenTestsFolder}
        # student_files (required, at least one): the files of the project, relative to it, that a submission provides;
        # every other file (and every test) comes from the course, whatever the student changed.
        student_files:
          - {StudentFile}
        # banned_apis (default none): APIs student code may not use, as documentation-comment IDs (M: a method, T: a type,
        # N: a namespace, P:, F:, E:), each with the message the student sees. A member ID without a parameter list bans
        # every overload. The grader finds them by symbol, so renaming or aliasing does not help. For example:
        #   - id: "M:TorchSharp.torch.Tensor.mul_"
        #     message: "mul_ changes x in place: return a new tensor"
        banned_apis: []
        # banned_policy (default zero_tests): what a submission that uses a banned API gets: zero_tests (graded, every test
        # that can reach the use scores 0) or reject (not graded at all).
        banned_policy: zero_tests
        # allowed_apis (default none): what student code may use beyond the sandbox's allow-list (core types, math,
        # collections, LINQ, StringBuilder, TorchSharp's tensor, nn, optim and functional APIs), each with the reason;
        # a given library's namespace goes here too. For example:
        #   - id: "T:System.Diagnostics.Stopwatch"
        #     reason: "the handout asks students to time their training loop"
        allowed_apis: []
        # limits (each optional; the defaults are shown). Time is CPU time and time blocked or sleeping, never time spent
        # waiting for a busy machine's CPUs; a run is stopped after 3 times total_timeout_seconds of wall time.
        limits:
          test_timeout_seconds: 60     # one test
          total_timeout_seconds: 600   # every test of a run together; at least test_timeout_seconds
          memory_mb: 4096              # the test process and every process it starts
          compile_timeout_seconds: 60  # compiling the submission and the tests against it, then checking it
        # tests (default none): overrides of a test's [Points] and [Visibility], keyed by its full name (a parameterised
        # test's method name covers all its cases); each entry sets points (a number >= 0), visibility (visible, hidden
        # or after_due_date) or both. This file ships to students, so name only public tests here. For example:
        #   {project}.Tests.ScaleTests.Scale_DoesNotModifyItsInput:
        #     points: 20
        tests: {"{}"}
        # due_date (default none): an ISO 8601 time with a UTC offset. Once it has passed, `course grade` reports the hidden
        # and after_due_date tests one by one, as --show-hidden does; Gradescope shows after_due_date tests after its own.
        # due_date: 2026-12-01T23:59:00-05:00

        """;

    static string Handout(string id, string project, string homework, string title) => $"""
        # {homework}: {title}

        One paragraph on what students build and why it matters for the course, and the reading that goes with it.

        ## What you write

        Every method whose body the starter replaces with a `throw` is yours; the hint in the exception says where to start.
        Only the files below are taken from your submission; you may add private helpers to them.

        | file | you implement |
        | --- | --- |
        | `{StudentFile}` | `Scale(x, factor)` |

        ## The maths

        `Scale(x, factor)` returns `factor · x`, entry by entry, as a new tensor: `x` itself must not change.

        ## Running the tests

        In your repository:

            dotnet test

        `COURSE_DEVICE=cpu|cuda|auto` picks the device (auto by default).

        ## Grading

        - 100 points: 70 from the 2 public tests (you see their results), 30 from hidden tests that run only in the grader.
        - Each test is worth the points shown in its `[Points]` attribute; a failed test scores 0.
        - Time limits: 60 s per test, 600 s in all, 4 GB of memory.
        - Only `{StudentFile}` is taken from your submission; project files and tests come from the course.

        ## Common bugs

        - Changing `x` in place (`x.mul_(factor)`): the result is right, but the caller's tensor changed.

        <!-- {id}: replace the example ({project}'s {StudentFile} and its tests) with the homework, and this handout with its text. -->

        """;

    static string Variants(string id, string project) => $"""
        # The fairness corpus `course validate` grades (instructor-only, like the hidden tests).
        # correct: a solution written differently; it must keep every point, under simulated float noise of other hardware.
        # bug: a plausible mistake; every test named in caught_by must fail on it.
        # The course's own suite (ValidateCommandTests) asks every homework for at least 4 correct variants and 15 bugs.
        # A bug without caught_by is graded on every test, and validate names the tests it fails (or says none does).
        # Each edit replaces text that occurs exactly once in the reference's file ({CourseLayout.ReferenceFolder}/{id}/{project}/<file>).
        variants:
          - name: scale-by-mul
            kind: correct
            why: "the product written as a method call instead of an operator"
            edits:
              - file: {StudentFile}
                replace: |
                  return x * factor;
                with: |
                  return x.mul(factor);
          - name: scale-factor-first
            kind: correct
            why: "the scalar on the left of the product"
            edits:
              - file: {StudentFile}
                replace: |
                  return x * factor;
                with: |
                  return factor * x;
          - name: scale-with-torch-mul
            kind: correct
            why: "torch.mul, the function form of the product (in scope through `using static TorchSharp.torch`)"
            edits:
              - file: {StudentFile}
                replace: |
                  return x * factor;
                with: |
                  return mul(x, factor);
          - name: scale-a-copy-in-place
            kind: correct
            why: "mul_ on a copy: in place, but not on the caller's tensor"
            edits:
              - file: {StudentFile}
                replace: |
                  return x * factor;
                with: |
                  return x.clone().mul_(factor);
          - name: scale-in-place
            kind: bug
            why: "x scaled in place with mul_: the result is right, but the caller's tensor changed"
            caught_by: [{project}.Tests.ScaleTests.Scale_DoesNotModifyItsInput]
            edits:
              - file: {StudentFile}
                replace: |
                  return x * factor;
                with: |
                  return x.mul_(factor);

        """;

    /// <summary>What `course grade &lt;id&gt;` grades when given no submission: it must earn partial credit (the suite checks).</summary>
    static string PartialSubmission(string project) => $$"""
        using static TorchSharp.torch;

        namespace {{project}};

        public static class Functions
        {
            public static Tensor Scale(Tensor x, double factor)
            {
                return x.mul_(factor);
            }
        }

        """;

    static string PartialReadme(string id) => $"""
        # A half-done {id} submission

        What `course grade {id}` grades when no `--submission` is given, so that its output shows partial credit and
        feedback worth reading. `Functions.Scale` scales `x` in place with `mul_`: its results are right, but the caller's
        tensor changes, which one public test catches. Replace it with a plausible half-done solution of the homework.

        """;

    [GeneratedRegex("^hw([0-9]+)(-|$)")]
    private static partial Regex HomeworkNumber();
}
