using Course.Grader.Manifest;
using Course.Grader.Pipeline;
using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Workspace;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// A hidden test whose author forgot <c>[Visibility(Hidden)]</c> is hidden all the same, by where it lives
/// (assignments/&lt;id&gt;/tests): graded end to end in a throwaway course, a student's view shows only a count of it.
/// </summary>
public class HiddenByLocationGradingTests
{
    [Test]
    public async Task Given_a_hidden_test_without_a_visibility_attribute_When_graded_Then_students_see_only_a_count_of_it()
    {
        using var course = new GivenLibraryCourse();
        const string id = GivenLibraryCourse.WithoutLibrary;
        var file = course.PathOf($"assignments/{id}/tests/HiddenTests.cs");
        File.WriteAllText(file, File.ReadAllText(file).Replace("[Visibility(Visibility.Hidden)]", "", StringComparison.Ordinal));
        Assert.That(File.ReadAllText(file), Does.Not.Contain("Visibility"));

        var report = await GradePipeline.GradeAsync(new GradeRequest(id,
            new Submission(SubmissionKind.Folder, Path.Combine(course.Layout.ReferenceDir(id), "Hw0.Plain")), course.Layout,
            Clock: () => Hw3Submissions.GradedAt, Limits: Hw3Submissions.ShortLimits));

        Assert.That(report.Test("HiddenTests.Answer_IsStill42").Visibility, Is.EqualTo(TestVisibility.Hidden), report.Describe);
        Assert.That(report.Test("PublicTests.Answer_Is42").Visibility, Is.EqualTo(TestVisibility.Visible), report.Describe);
        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false));
        Assert.That(markdown, Does.Not.Contain("Answer_IsStill42").And.Contain("1 of 1 hidden tests passed"));
    }
}
