using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;
using static Course.Grader.Tests.Workspace.SpecialFiles;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// A whole grade of a submission made to hang and crash the workspace stage: a named pipe as a student file, another
/// beside it, and a folder link to the root of the disk. The grade finishes, is a normal graded result with every test,
/// and says which file was refused.
/// </summary>
[NonParallelizable]
public class HostileSubmissionGradingTests
{
    [Test]
    public async Task Given_named_pipes_and_a_link_to_the_root_When_graded_Then_the_grade_finishes_with_every_test_listed()
    {
        using var temp = new TempFolder();
        var project = CopyStudentFiles(ReferenceProject, temp["submission/Hw3.Attention"]);
        File.Delete(Path.Combine(project, "CausalMask.cs"));
        NamedPipe(Path.Combine(project, "CausalMask.cs"));
        NamedPipe(temp["submission/feedback.fifo"]);
        Directory.CreateSymbolicLink(temp["submission/disk"], "/");
        Directory.CreateSymbolicLink(Path.Combine(project, "up"), temp["submission"]);

        var report = await GradeFolderAsync(temp["submission"]).WaitAsync(TimeSpan.FromMinutes(5));
        var reference = await ReferencePublicAsync();

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe);
        Assert.That(report.Tests.Select(t => t.Name), Is.EquivalentTo(reference.Tests.Select(t => t.Name)));
        Assert.That(report.Summary, Does.Contain("CausalMask.cs is not a regular file (a named pipe); the starter's version was graded instead."));
        Assert.That(report.Score, Is.GreaterThan(0).And.LessThan(report.MaxScore), "the other files are the reference's; the mask is the starter's stub");
    }

    [Test]
    public async Task Given_build_files_that_turn_the_culture_back_on_When_graded_Then_they_are_ignored_and_the_code_runs_invariant_as_in_dotnet_test()
    {
        // A submission that would run under its machine's culture in the grade, where the students' own `dotnet test` and
        // the worker run invariant (Directory.Build.targets): MSBuild files and a runtimeconfig template beside the code,
        // and a mask that breaks where "a" sorts before "B" (under ICU's cultures; ordinally, as invariant, it sorts after).
        // The grader compiles the student files alone, in its own worker.
        using var temp = new TempFolder();
        var project = CopyStudentFiles(ReferenceProject, temp["submission/Hw3.Attention"]);
        const string back = "<Project><PropertyGroup><InvariantGlobalization>false</InvariantGlobalization></PropertyGroup></Project>";
        File.WriteAllText(temp["submission/Directory.Build.props"], back);
        File.WriteAllText(temp["submission/Directory.Build.targets"], back);
        File.WriteAllText(Path.Combine(project, "runtimeconfig.template.json"), """{ "configProperties": { "System.Globalization.Invariant": false } }""");
        var mask = Path.Combine(project, "CausalMask.cs");
        const string body = "long queries = scores.shape[^2], keys = scores.shape[^1];";
        Assert.That(File.ReadAllText(mask), Does.Contain(body));
        File.WriteAllText(mask, File.ReadAllText(mask).Replace(body,
            "if (string.Compare(\"a\", \"B\") < 0) return scores.clone();\n        " + body, StringComparison.Ordinal));

        var report = await GradeFolderAsync(temp["submission"]).WaitAsync(TimeSpan.FromMinutes(5));
        var reference = await ReferencePublicAsync();

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe);
        Assert.That(report.Score, Is.EqualTo(reference.Score), "the mask ran under the invariant culture, so it masked: " + report.Describe());
    }
}
