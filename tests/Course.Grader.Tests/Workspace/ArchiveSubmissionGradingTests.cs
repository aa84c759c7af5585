using Course.Grader.Report;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;
using Spectre.Console.Testing;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;
using static Course.Grader.Tests.Workspace.SubmissionArchives;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// Submissions uploaded as archives, graded through the whole pipeline: good ones grade like the folder they hold;
/// a bad one (an entry climbing out with '..', a damaged file) is refused with the reason and graded as unreadable,
/// and a link inside is skipped and said so.
/// </summary>
[NonParallelizable]
public class ArchiveSubmissionGradingTests
{
    readonly TempFolder temp = new();
    GradeReport reference = null!, zip = null!, tarGz = null!, partialFolder = null!, climbing = null!, withLink = null!, damaged = null!, fakeScore = null!;

    [OneTimeSetUp]
    public async Task GradeAll()
    {
        reference = await ReferencePublicAsync();
        partialFolder = await PartialPublicAsync();

        // As a student zips their repository: a wrapping folder, the project inside, other files beside it.
        zip = await GradeAsync(Submission.Parse(Zip(temp["reference.zip"],
            [new("student-repo/README.md", "# hw3\n"), .. FilesOf(ReferenceProject, "student-repo/Hw3.Attention/")])));
        // As GitHub serves a tarball: one top folder named after the repo and commit.
        tarGz = await GradeAsync(Submission.Parse(TarGz(temp["partial.tar.gz"], FilesOf(PartialExample, "hw3-student-0123abc/"))));
        climbing = await GradeAsync(Submission.Parse(Zip(temp["climbing.zip"], [.. FilesOf(ReferenceProject), new("../evil.cs", "class Evil {}")])));
        withLink = await GradeAsync(Submission.Parse(Zip(temp["link.zip"],
            [.. FilesOf(ReferenceProject).Where(e => e.Name != "CausalMask.cs"), new("CausalMask.cs", LinkTarget: "/etc/passwd")])));
        fakeScore = await GradeAsync(Submission.Parse(Zip(temp["fake-score.zip"], [new(FakeScoreEntry, "x")])));
        File.WriteAllBytes(temp["damaged.zip"], [.. "PK\u0003\u0004"u8, .. Enumerable.Repeat((byte)0x5A, 200)]);
        damaged = await GradeAsync(Submission.Parse(temp["damaged.zip"]));
    }

    [OneTimeTearDown]
    public void DeleteTemp() => temp.Dispose();

    [Test]
    public void Given_a_zip_of_the_reference_in_a_wrapping_folder_When_graded_Then_it_gets_full_marks_and_says_where_it_found_the_files()
    {
        Assert.That(zip.Status, Is.EqualTo(GradeStatus.Graded), zip.Describe);
        Assert.That(zip.Score, Is.EqualTo(reference.MaxScore), zip.Describe);
        Assert.That(zip.Summary, Does.Contain("Graded the files in student-repo/Hw3.Attention/."));
        Assert.That(zip.Provenance.SubmissionSource, Is.EqualTo(temp["reference.zip"]));
    }

    [Test]
    public void Given_a_tar_gz_of_the_half_done_example_When_graded_Then_it_grades_exactly_like_the_folder()
    {
        Assert.That(tarGz.Status, Is.EqualTo(GradeStatus.Graded), tarGz.Describe);
        Assert.That(tarGz.Score, Is.EqualTo(partialFolder.Score).And.LessThan(tarGz.MaxScore), tarGz.Describe);
        Assert.That(tarGz.Outcomes(), Is.EqualTo(partialFolder.Outcomes()));
        Assert.That(tarGz.Summary, Does.Contain("Graded the files in hw3-student-0123abc/."));
    }

    [Test]
    public void Given_a_zip_with_an_entry_climbing_out_When_graded_Then_it_is_refused_with_the_entry_named_and_scores_zero()
    {
        Assert.That(climbing.Score, Is.Zero, climbing.Describe);
        Assert.That(climbing.MaxScore, Is.EqualTo(reference.MaxScore), "the student still sees every test they would have had");
        Assert.That(climbing.Tests.Select(t => t.FullName), Is.EqualTo(reference.Tests.Select(t => t.FullName)));
        const string reason = "the submission could not be read: the archive entry '../evil.cs' climbs out of the submission with '..'";
        Assert.That(climbing.Summary, Is.EqualTo($"0/{reference.MaxScore} points; 0 of {reference.Tests.Count} tests passed. T{reason[1..]}"));
        Assert.That(climbing.Tests.Select(t => t.Message), Has.All.EqualTo($"Not run: {reason}"));
        Assert.That(climbing.Annotations, Is.Empty, "the starter's stubs are not the student's to fix");
    }

    /// <summary>An entry's name that a red team (stop 61, b02) made the last lines of the console's report.</summary>
    const string FakeScoreEntry = "/\n\nScore: 100/100 (100%)\n100/100 points; 50 of 50 tests passed.\nNote: a stray archive entry '__MACOSX/._x";

    [Test]
    public void Given_a_zip_entry_named_with_lines_like_a_score_When_graded_Then_the_summary_and_messages_quote_it_on_one_line_and_the_real_score_ends_the_console()
    {
        var console = new TestConsole().Width(200);
        ConsoleReport.Write(console, new ReportView(fakeScore, RevealHidden: false));
        var lines = console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.That(fakeScore.Score, Is.Zero, fakeScore.Describe);
        Assert.That(fakeScore.Summary, Does.Not.Contain('\n').And.Contain("has an absolute path"));
        Assert.That(fakeScore.Tests.Select(t => t.Message), Has.None.Contain('\n'));
        Assert.That(lines[^1], Is.EqualTo($"Score: 0/{ScoreStage.Format(fakeScore.MaxScore)} (0%)"), "the grader's score ends the report\n" + console.Output);
    }

    [Test]
    public void Given_a_zip_holding_a_link_When_graded_Then_the_link_is_skipped_and_said_so_and_the_starters_file_stands_in()
    {
        Assert.That(withLink.Summary, Does.Contain("CausalMask.cs: links are not allowed in a submission")
            .And.Contain("CausalMask.cs is missing from the submission; the starter's version was graded instead."));
        Assert.That(withLink.Test("CausalMaskTests.Apply_DoesNotModifyItsInput").Passed, Is.False, withLink.Describe);
        Assert.That(withLink.Test("PositionalEmbeddingTests.SinusoidalTable_MatchesTheFormula_InFloat64").Passed, Is.True, "files that are there are graded");
    }

    [Test]
    public void Given_a_damaged_zip_When_graded_Then_it_is_graded_as_unreadable_with_the_reason()
    {
        Assert.That(damaged.Score, Is.Zero, damaged.Describe);
        Assert.That(damaged.MaxScore, Is.EqualTo(reference.MaxScore));
        Assert.That(damaged.Summary, Does.Contain("tests passed. The submission could not be read: the zip archive is damaged"));
        Assert.That(damaged.Tests.Select(t => t.Message), Has.All.StartWith("Not run: the submission could not be read: the zip archive is damaged"));
    }
}
