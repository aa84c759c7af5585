using Course.Grader.Manifest;
using Course.Grader.Tests.Authoring;

namespace Course.Grader.Tests.Manifest;

public class CourseLayoutTests
{
    [Test]
    public void Given_a_folder_deep_in_the_repo_When_the_layout_is_found_Then_its_root_holds_Course_sln()
    {
        using var repo = new TempCourseRepo().Write("reference/hw1/Hw1/Deep/File.cs", "");

        var layout = CourseLayout.FindFrom(repo.PathOf("reference/hw1/Hw1/Deep"));

        Assert.That(layout.Root, Is.EqualTo(repo.Root));
        Assert.That(layout.StarterDir("hw1"), Is.EqualTo(repo.PathOf("starter/hw1")));
        Assert.That(layout.ManifestPath("hw1"), Is.EqualTo(repo.PathOf("assignments/hw1/assignment.yaml")));
    }

    [Test]
    public void Given_a_folder_outside_any_repo_When_the_layout_is_found_Then_it_fails()
    {
        var outside = Directory.CreateTempSubdirectory("not-a-repo-");
        try
        {
            Assert.Throws<DirectoryNotFoundException>(() => CourseLayout.FindFrom(outside.FullName));
        }
        finally
        {
            outside.Delete();
        }
    }

    [Test]
    public void Given_reference_folders_When_homeworks_are_listed_Then_they_come_in_ordinal_order()
    {
        using var repo = new TempCourseRepo()
            .Write("reference/hw2-backprop/a.txt", "")
            .Write("reference/hw10-extra/a.txt", "")
            .Write("reference/hw1-lm-basics/a.txt", "")
            .Write("assignments/hw1-lm-basics/handout.md", "");

        Assert.That(repo.Layout.HomeworkIds(), Is.EqualTo(new[] { "hw1-lm-basics", "hw10-extra", "hw2-backprop" }));
        Assert.That(repo.Layout.AssignmentIds(), Is.Empty, "a folder without assignment.yaml is not an assignment");
    }
}
