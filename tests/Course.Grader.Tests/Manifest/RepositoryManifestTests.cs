using Course.Grader.Manifest;

namespace Course.Grader.Tests.Manifest;

/// <summary>Every committed assignments/&lt;id&gt;/assignment.yaml is valid against the real reference folder.</summary>
public class RepositoryManifestTests
{
    [Test]
    public void Given_the_course_repo_When_every_manifest_is_loaded_Then_each_is_valid_and_names_its_student_files()
    {
        var layout = CourseLayout.FindFrom(TestContext.CurrentContext.TestDirectory);

        using (Assert.EnterMultipleScope())
        {
            foreach (var id in layout.AssignmentIds())
            {
                AssignmentManifest? manifest = null;
                Assert.That(() => manifest = layout.LoadManifest(id), Throws.Nothing, id);
                Assert.That(manifest?.Id, Is.EqualTo(id));
                Assert.That(manifest?.StudentFiles, Is.Not.Empty, id);
            }
        }
    }
}
