using System.Text.Json.Nodes;
using Course.GitHub.Publish;
using Course.GitHub.Tests.Fake;
using Course.Grader.Score;
using Course.Grader.Workspace;

namespace Course.GitHub.Tests.Publish;

/// <summary>
/// Publishing a grade to (fake) GitHub: a completed check run on the commit with the score and annotations on the
/// student's lines, and one feedback comment on GitHub Classroom's "Feedback" pull request, edited in place on re-runs.
/// </summary>
public class GradePublisherTests : PublishFixture
{
    [Test]
    public async Task Given_a_feedback_pull_request_When_a_grade_is_published_Then_a_completed_check_run_and_one_marked_comment_are_posted()
    {
        var result = await new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths);

        var run = Repo.CheckRuns.Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.Name, Is.EqualTo("Grade: hw3-attention"));
            Assert.That(run.HeadSha, Is.EqualTo(Sha));
            Assert.That((run.Status, run.Conclusion), Is.EqualTo(("completed", "neutral")));
            Assert.That(run.Title, Is.EqualTo("Points 38/100"));
            Assert.That(run.Summary, Does.StartWith("## Attention from scratch (hw3-attention): 38/100 points"));
            Assert.That(run.CompletedAt, Is.EqualTo(Reports.GradedAt));
            Assert.That(result.CheckRunUrl, Is.EqualTo($"https://github.com/{Owner}/{Name}/runs/{run.Id}"));
        });
        var comment = Repo.Comments.Single();
        Assert.Multiple(() =>
        {
            Assert.That(comment.Issue, Is.EqualTo(FeedbackNumber));
            Assert.That(comment.Body, Does.StartWith("<!-- course-grade:hw3-attention -->\n## Attention from scratch"));
            Assert.That(result.IssueNumber, Is.EqualTo(FeedbackNumber));
            Assert.That(result.CommentUpdated, Is.False);
            Assert.That(result.CommentUrl, Does.EndWith($"/pull/{FeedbackNumber}#issuecomment-{comment.Id}"));
        });
    }

    [Test]
    public async Task Given_an_earlier_grade_comment_among_many_When_published_again_Then_that_comment_is_edited_in_place_and_stays_the_only_grade()
    {
        for (var i = 0; i < 31; i++) GitHub.AddComment(Repo, FeedbackNumber, $"question {i}: why does my mask leak?");
        var publisher = new GradePublisher(Api());
        await publisher.PublishAsync(Reports.View(38), Target(), Paths);
        var first = Repo.Comments.Single(c => c.Body.Contains("course-grade:", StringComparison.Ordinal));
        GitHub.ClearRequests();

        var again = await publisher.PublishAsync(Reports.View(100), Target(), Paths);

        var graded = Repo.Comments.Where(c => c.Body.Contains("course-grade:", StringComparison.Ordinal)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(graded, Has.Count.EqualTo(1), "one grade comment however often the grade is published");
            Assert.That(graded[0].Id, Is.EqualTo(first.Id));
            Assert.That(graded[0].Body, Does.Contain("100/100 points").And.Not.Contain("38/100"));
            Assert.That(again.CommentUpdated, Is.True);
            Assert.That(Repo.Comments, Has.Count.EqualTo(32));
            Assert.That(GitHub.Requests.Select(r => r.ToString()), Has.Some.Match(@"/comments\?.*\bpage=2\b"), "the marker was on the second page of comments");
            Assert.That(GitHub.Requests.Count(r => r.Method == "PATCH" && r.Path == $"/repos/{Owner}/{Name}/issues/comments/{first.Id}"), Is.EqualTo(1));
            Assert.That(GitHub.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/comments", StringComparison.Ordinal)), Is.Zero);
            Assert.That(Repo.CheckRuns.Select(r => r.Conclusion), Is.EqualTo(new[] { "neutral", "success" }));
        });
    }

    /// <summary>
    /// A student can post the grade's marker first (red team 16, b), by hand or from a workflow of their own repository
    /// (as github-actions[bot]): the grader edits only a comment of the app whose token made its check run, so it posts its
    /// own and leaves theirs alone, and the grade never sits in a comment the student can edit. With an Actions token the
    /// app is github-actions, and a student's workflow in their own repository can write as the grader does: there the
    /// student runs the grade step too.
    /// </summary>
    [TestCase("github-actions", new[] { "student" })]
    [TestCase("course-grader", new[] { "student", "github-actions[bot]" })]
    public async Task Given_comments_of_others_that_carry_the_grades_marker_When_published_twice_Then_the_grader_edits_only_its_own(string app, string[] planters)
    {
        GitHub.AppSlug = app;
        var planted = planters.Select(who => GitHub.AddComment(Repo, FeedbackNumber, FeedbackComment.Marker("hw3-attention") + "\n100/100 points", user: who)).ToList();
        var publisher = new GradePublisher(Api());

        var first = await publisher.PublishAsync(Reports.View(38), Target(), Paths);
        var again = await publisher.PublishAsync(Reports.View(40), Target(), Paths);

        var own = Repo.Comments.Where(c => !planted.Contains(c)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(planted.Select(c => c.Body), Has.All.EndWith("100/100 points"), "the others' comments are left as they wrote them");
            Assert.That((first.CommentUpdated, again.CommentUpdated), Is.EqualTo((false, true)));
            Assert.That(own, Has.Count.EqualTo(1));
            Assert.That(own[0].User, Is.EqualTo(app + "[bot]"));
            Assert.That(own[0].Body, Does.Contain("40/100 points"));
        });
    }

    [Test]
    public async Task Given_120_annotations_When_published_Then_the_check_run_is_created_with_50_and_updated_twice_with_the_rest()
    {
        var result = await new GradePublisher(Api()).PublishAsync(Reports.View(0, status: GradeStatus.CompileError, annotations: 120), Target(), Paths);

        var checkRunCalls = GitHub.Requests.Where(r => r.Path.Contains("/check-runs", StringComparison.Ordinal)).ToList();
        var annotations = Repo.CheckRuns.Single().Annotations;
        Assert.Multiple(() =>
        {
            Assert.That(checkRunCalls.Select(r => r.Method), Is.EqualTo(new[] { "POST", "PATCH", "PATCH" }));
            Assert.That(checkRunCalls.Select(r => r.Json!["output"]!["annotations"]!.AsArray().Count), Is.EqualTo(new[] { 50, 50, 20 }));
            Assert.That(annotations, Has.Count.EqualTo(120));
            Assert.That(result.Annotations, Is.EqualTo(120));
            Assert.That(result.AnnotationRequests, Is.EqualTo(3));
            Assert.That(annotations.Select(a => (string)a["path"]!).Distinct(),
                Is.EquivalentTo(new[] { "Hw3.Attention/Attention.cs", "Hw3.Attention/CausalMask.cs", "Hw3.Attention/AttentionHead.cs" }));
            Assert.That(Repo.CheckRuns.Single().Conclusion, Is.EqualTo("failure"));
        });
        var first = annotations[0].AsObject();
        Assert.That((string)first["annotation_level"]!, Is.EqualTo("failure"));
        Assert.That(((int)first["start_line"]!, (int)first["end_line"]!, (int)first["start_column"]!), Is.EqualTo((10, 10, 5)));
        Assert.That((string)first["title"]!, Is.EqualTo("error CS1002"));
        Assert.That(annotations[2].AsObject().ContainsKey("start_column"), Is.False, "a column of 0 (unknown) is not sent");
    }

    [TestCase(100, GradeStatus.Graded, "success")]
    [TestCase(38, GradeStatus.Graded, "neutral")]
    [TestCase(0, GradeStatus.Graded, "failure")]
    [TestCase(0, GradeStatus.CompileError, "failure")]
    [TestCase(0, GradeStatus.Rejected, "failure")]
    public async Task Given_a_score_When_published_Then_the_conclusion_is_success_for_full_marks_neutral_for_partial_and_failure_otherwise(double score, GradeStatus status, string conclusion)
    {
        await new GradePublisher(Api()).PublishAsync(Reports.View(score, status: status), Target(), Paths);

        Assert.That(Repo.CheckRuns.Single().Conclusion, Is.EqualTo(conclusion));
    }

    [Test]
    public async Task Given_a_pull_request_number_When_published_Then_the_comment_goes_there_without_looking_for_the_feedback_pull_request()
    {
        var other = GitHub.AddPullRequest(Repo, "Try a larger d_head", head: "experiment", @base: "main");

        var result = await new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(other.Number), Paths);

        Assert.That(Repo.Comments.Single().Issue, Is.EqualTo(other.Number));
        Assert.That(result.IssueNumber, Is.EqualTo(other.Number));
        Assert.That(GitHub.Requests.Where(r => r.Path.EndsWith("/pulls", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task Given_no_feedback_pull_request_When_published_Then_only_the_check_run_is_posted_and_the_result_says_so()
    {
        Repo.PullRequests.RemoveAll(p => p.Title == "Feedback");

        var result = await new GradePublisher(Api()).PublishAsync(Reports.View(38), Target(), Paths);

        Assert.That(Repo.CheckRuns, Has.Count.EqualTo(1));
        Assert.That(Repo.Comments, Is.Empty);
        Assert.That(result.CommentUrl, Is.Null);
        Assert.That(string.Join("\n", result.Lines()), Does.Contain("no \"Feedback\" pull request found"));
    }

    [Test]
    public async Task Given_a_report_far_over_the_check_run_limit_When_published_Then_summary_and_comment_are_cut_to_fit_and_keep_the_score()
    {
        var huge = Reports.View(38, failures: 40, messageLength: 4_000);

        await new GradePublisher(Api()).PublishAsync(huge, Target(), Paths);

        var (summary, comment) = (Repo.CheckRuns.Single().Summary!, Repo.Comments.Single().Body);
        Assert.That(summary.Length, Is.LessThanOrEqualTo(65_535));
        Assert.That(comment.Length, Is.LessThanOrEqualTo(65_536));
        Assert.That(summary, Does.Contain("38/100 points").And.Contain("Details were cut to fit"));
        Assert.That(comment, Does.StartWith("<!-- course-grade:hw3-attention -->").And.Contain("Details were cut to fit"));
    }

    [Test]
    public void Given_an_annotation_title_whose_cut_falls_inside_an_emoji_When_made_a_check_run_annotation_Then_the_emoji_goes_whole()
    {
        // GitHub takes titles of at most 255 characters: 254 and an ellipsis, where the 254th is the emoji's first half.
        var report = Reports.Report(38, annotations: 0) with
        {
            Annotations = [new Annotation(AnnotationLevel.Failure, "Attention.cs", 3, 0, new string('t', 253) + "😀 and more", "why")],
        };

        Assert.That(GradeCheckRun.Annotations(report, new StudentPaths("")).Single().Title, Is.EqualTo(new string('t', 253) + "…"));
    }

    [Test]
    public async Task Given_a_project_at_the_repository_root_When_published_Then_annotations_point_at_root_paths()
    {
        await new GradePublisher(Api()).PublishAsync(Reports.View(38, annotations: 1), Target(), new StudentPaths(""));

        Assert.That((string)Repo.CheckRuns.Single().Annotations.Single()["path"]!, Is.EqualTo("Attention.cs"));
    }

    [Test]
    public async Task Given_no_paths_When_published_Then_the_project_folder_is_found_in_the_commits_tree()
    {
        await new GradePublisher(Api()).PublishAsync(Reports.View(38, annotations: 3), Target(), paths: null);

        Assert.That(Repo.CheckRuns.Single().Annotations.Select(a => (string)a["path"]!),
            Is.EqualTo(new[] { "Hw3.Attention/Attention.cs", "Hw3.Attention/CausalMask.cs", "Hw3.Attention/AttentionHead.cs" }));
        Assert.That(GitHub.Requests.Select(r => r.ToString()), Has.Some.Match($@"^GET /repos/{Owner}/{Name}/git/trees/{Sha}\?recursive=1$"));
    }
}
