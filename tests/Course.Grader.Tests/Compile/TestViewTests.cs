using Course.Grader.Binding;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Run;
using Course.Tests.Shared;

namespace Course.Grader.Tests.Compile;

/// <summary>
/// What test code sees of a homework (<see cref="CompileStage.TestViewOf"/>): a grade skips the binding check for a
/// submission the tests see as they see the starter, so the view must change with everything that can change what test
/// code compiles to, and with nothing that cannot, or a correct student would pay for a check that tells nothing.
/// </summary>
public class TestViewTests
{
    const string Starter = """
        namespace Tiny.Homework;

        public static class Model
        {
            public const int Width = 4;
            public static double Loss(double x, double scale = 0.5) => throw new System.NotImplementedException();
        }

        public sealed class Layer
        {
            readonly double[] weights = [1, 2, 3];
            public double Forward(double x) => throw new System.NotImplementedException();
        }
        """;

    const string Tests = """
        using NUnit.Framework;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class ModelTests
        {
            [Test]
            public void Loss_IsHalfTheSquare() => Assert.That(Model.Loss(2), Is.EqualTo(2.0).Within(1e-9));
        }
        """;

    static string Submission(string model = "", string types = "", string attributes = "", string width = "4", string scale = "0.5") => $$"""
        {{attributes}}
        namespace Tiny.Homework;

        public static class Model
        {
            public const int Width = {{width}};
            public static double Loss(double x, double scale = {{scale}}) => Square(x) * scale;
            {{model}}
            static double Square(double x) => x * x;
        }

        public sealed class Layer
        {
            readonly double[] weights = [1, 2, 3];
            public double Forward(double x) => x * weights[0];
        }
        {{types}}
        """;

    static string? ViewOf(string homework)
    {
        var compiled = TinyHomework.Compile(homework, Tests);
        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        return compiled.TestView;
    }

    static readonly Lazy<string?> StarterView = new(() => ViewOf(Starter));

    [TestCase("", TestName = "bodies, private fields and a private helper")]
    [TestCase("static readonly double[] cache = new double[4]; static int calls;", TestName = "more private fields")]
    [TestCase("internal static double Cube(double x) => x * x * x;", TestName = "an internal member")]
    public void Given_a_submission_that_differs_in_what_tests_cannot_name_Then_the_tests_see_it_as_the_starter(string model)
    {
        Assert.That(StarterView.Value, Is.Not.Null);
        Assert.That(ViewOf(Submission(model)), Is.EqualTo(StarterView.Value));
    }

    [TestCase("public static double Loss(float x) => x;", "", "", "4", "0.5", TestName = "a public overload")]
    [TestCase("", "public static class More { public static double Loss(this double x) => x; }", "", "4", "0.5", TestName = "a public extension method")]
    [TestCase("", "", "", "5", "0.5", TestName = "a constant's value, which test code copies into itself")]
    [TestCase("", "", "", "4", "1.0", TestName = "a default value, which calls compile in")]
    [TestCase("", "", "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Tiny.Homework.Tests\")]", "4", "0.5",
        TestName = "internals made visible to the tests")]
    public void Given_a_submission_that_changes_what_test_code_can_compile_to_Then_the_view_differs(string model, string types, string attributes, string width, string scale)
    {
        Assert.That(ViewOf(Submission(model, types, attributes, width, scale)), Is.Not.EqualTo(StarterView.Value));
    }

    /// <summary>
    /// A reference assembly keeps every type, even one test code cannot name: a submission with a helper class of its own
    /// pays for the binding check (and passes it), a cost and never a lost point.
    /// </summary>
    [TestCase("static class Helpers { public static int Twice(int n) => 2 * n; }", "", TestName = "an internal class")]
    [TestCase("", "sealed class Scratch { public int N; }", TestName = "a private nested class")]
    public void Given_a_submission_with_a_type_of_its_own_Then_the_view_differs_and_its_tests_still_bind_as_against_the_starter(string types, string model)
    {
        var starter = TinyHomework.Compile(Starter, Tests);
        var submission = TinyHomework.Compile(Submission(model, types), Tests);

        Assert.That(submission.TestView, Is.Not.EqualTo(starter.TestView));
        Assert.That(BindingCheck.Compare(BindingsOf(starter), BindingsOf(submission)), Is.Empty);
    }

    static IReadOnlyList<TestBinding> BindingsOf(CompileResult compiled)
    {
        Assert.That(compiled.Success, Is.True);
        var suite = compiled.TestSuites.Single().Unisolated;
        return TestBindings.Read(suite, TestBindings.HomeworkIn(suite, TinyHomework.HomeworkName));
    }

    static readonly CourseLayout Layout = CourseLayout.FindFrom(AppContext.BaseDirectory);

    static IEnumerable<string> Homeworks() => Layout.AssignmentIds();

    /// <summary>
    /// Ground truth for the shortcut on the real homeworks: the reference keeps the starter's signatures, so a correct
    /// submission takes it; and compiled against the reference, every test binds exactly as against the starter.
    /// </summary>
    [TestCaseSource(nameof(Homeworks))]
    public void Given_a_homework_When_its_tests_compile_against_the_reference_Then_they_see_it_as_the_starter_and_bind_as_there(string id)
    {
        var manifest = Layout.LoadManifest(id);
        var suites = new HomeworkSuites(manifest, Layout);
        var worker = WorkerLocation.Default();
        var trusted = TrustedTests.For(suites, includeHidden: true, TestSuiteHash.Of(suites, includeHidden: true), worker);
        var referenceProject = Path.Combine(Layout.ReferenceDir(id), manifest.Project);
        var compiled = CompileStage.Compile(new CompileRequest(new AssemblySources(manifest.Project, SourceFile.ReadFolder(referenceProject, referenceProject)),
            [.. suites.Suites(includeHidden: true).Select(s => s.Sources)], worker.LibraryAssemblies, suites.GivenLibraries(worker.LibraryAssemblies)));

        Assert.That(compiled.Success, Is.True);
        Assert.That(compiled.TestView, Is.Not.Null.And.EqualTo(trusted[0].StarterView));
        foreach (var (expected, actual) in trusted.Zip(compiled.TestSuites))
        {
            var bindings = TestBindings.Read(actual.Unisolated, TestBindings.HomeworkIn(actual.Unisolated, manifest.Project));
            Assert.That(bindings, Has.Count.EqualTo(expected.Bindings.Count), expected.AssemblyName);
            Assert.That(BindingCheck.Compare(expected.Bindings, bindings), Is.Empty, expected.AssemblyName);
        }
    }
}
