using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Tests.Homeworks;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// The allow-list is what every homework needs: each homework's reference solution, its starter and its bundled
/// examples compile against the homework's references alone and use nothing the sandbox does not allow.
/// </summary>
public class HomeworkAllowListTests
{
    public static IEnumerable<string> Homeworks() => HomeworkPipeline.Ids();

    [TestCaseSource(nameof(Homeworks))]
    public void Given_a_homeworks_reference_starter_and_examples_When_analyzed_Then_nothing_is_outside_the_allow_list(string id)
    {
        var layout = HomeworkPipeline.Layout;
        var manifest = layout.LoadManifest(id);
        var trees = new Dictionary<string, string>
        {
            ["reference"] = Path.Combine(layout.ReferenceDir(id), manifest.Project),
            ["starter"] = Path.Combine(layout.StarterDir(id), manifest.Project),
        };
        foreach (var example in Directory.EnumerateDirectories(Path.Combine(layout.AssignmentDir(id), "examples")))
            trees[$"examples/{Path.GetFileName(example)}"] = example;

        var problems = new List<string>();
        foreach (var (what, folder) in trees)
        {
            var reference = SourceFile.ReadFolder(trees["reference"], trees["reference"]).ToDictionary(f => f.Path);
            foreach (var file in SourceFile.ReadFolder(folder, folder)) reference[file.Path] = file;
            var compiled = CompileStage.Compile(new CompileRequest(new AssemblySources(manifest.Project, [.. reference.Values]), [], Compile.TinyHomework.Worker.Value.LibraryAssemblies,
                HomeworkPipeline.GivenLibraries(manifest)));
            if (!compiled.Homework.Success)
            {
                problems.AddRange(compiled.Homework.Errors.Select(e => $"{what}: {e}"));
                continue;
            }
            var analysis = AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For(manifest), []);
            problems.AddRange(analysis.Findings.Where(f => f.Kind is FindingKind.SandboxViolation or FindingKind.UnsafeCode).Select(f => $"{what}: {f}"));
        }
        Assert.That(problems, Is.Empty, () => string.Join("\n", problems));
    }
}
