using Course.Grader.Authoring;
using Course.Grader.Manifest;

namespace Course.Grader.Tests.Authoring;

/// <summary>The CI guard: every committed starter/&lt;id&gt; equals what `course sync &lt;id&gt;` would generate.</summary>
public class RepositoryStarterTests
{
    [Test]
    public void Given_the_course_repo_When_every_starter_is_checked_Then_none_is_stale()
    {
        var layout = CourseLayout.FindFrom(TestContext.CurrentContext.TestDirectory);
        var sync = new StarterSync(layout);

        using (Assert.EnterMultipleScope())
        {
            foreach (var id in layout.HomeworkIds())
            {
                var report = sync.Check(id);
                Assert.That(report.IsUpToDate, Is.True,
                    $"starter/{id} is out of date; run `course sync {id}`. stale: [{string.Join(", ", report.Stale)}] " +
                    $"missing: [{string.Join(", ", report.Missing)}] extra: [{string.Join(", ", report.Extra)}]");
            }
        }
    }
}
