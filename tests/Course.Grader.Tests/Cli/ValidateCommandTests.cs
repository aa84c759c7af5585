using System.Text.RegularExpressions;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Cli;

/// <summary>`course validate` on hw3-attention: about a dozen gradings, so one test reads the whole verdict.</summary>
[NonParallelizable]
public class ValidateCommandTests
{
    [Test]
    public void Given_hw3_When_validated_Then_it_exits_0_with_reference_full_marks_starter_zero_and_every_region_guarded()
    {
        var regions = Hw3Submissions.HomeworkManifest.StudentFiles
            .Sum(f => Regex.Count(File.ReadAllText(Path.Combine(Hw3Submissions.ReferenceProject, f)), "// BEGIN SOLUTION"));

        var (exitCode, output) = CourseCli.Run("validate", Hw3Submissions.Assignment);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"reference gets full marks\s+│\s+100/100\s+│\s+ok"));
        Assert.That(output, Does.Match(@"starter gets zero\s+│\s+0/100\s+│\s+ok"));
        Assert.That(Regex.Matches(output, @"│ stub .*│ guarded by \d+ test\(s\)"), Has.Count.EqualTo(regions));
        Assert.That(output, Does.Not.Contain("NOT GUARDED").And.Not.Contain("reference fails").And.Not.Contain("starter passes"));
        Assert.That(output.TrimEnd(), Does.EndWith("validate: the tests are fair"));
    }
}
