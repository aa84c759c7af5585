using Course.Grade;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Cli;

/// <summary>`course-grade`, the student-side grader: `course grade`'s options without publishing, and its exit codes.</summary>
public class GradeAppTests
{
    static (int ExitCode, string Output) Run(params string[] args) => CourseCli.RunApp(GradeApp.Run, args);

    [Test]
    public void Given_post_When_course_grade_runs_Then_it_exits_2_for_an_unknown_option_since_the_student_side_grader_cannot_publish()
    {
        var (exitCode, output) = Run(Hw3Submissions.Assignment, "--root", Hw3Submissions.Layout.Root, "--post");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.BadArguments), output);
        Assert.That(output, Does.Contain("--post"));
    }

    [Test]
    public void Given_an_unknown_assignment_or_format_When_course_grade_runs_Then_it_exits_2_saying_why()
    {
        var (unknown, unknownOutput) = Run("hw0-none", "--root", Hw3Submissions.Layout.Root);
        var (format, formatOutput) = Run(Hw3Submissions.Assignment, "--root", Hw3Submissions.Layout.Root, "--format", "xml");

        Assert.That(unknown, Is.EqualTo(ExitCodes.BadArguments));
        Assert.That(unknownOutput, Does.Contain("unknown assignment 'hw0-none'"));
        Assert.That(format, Is.EqualTo(ExitCodes.BadArguments));
        Assert.That(formatOutput, Does.Contain("--format must be one of"));
    }
}
