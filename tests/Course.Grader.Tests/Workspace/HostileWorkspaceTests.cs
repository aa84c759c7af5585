using Course.Grader.Report;
using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;
using static Course.Grader.Tests.Pipeline.Hw3Submissions;
using static Course.Grader.Tests.Workspace.SpecialFiles;

namespace Course.Grader.Tests.Workspace;

/// <summary>
/// Submissions built to hang, crash or flood the workspace stage: named pipes, links to / and to devices, link loops,
/// huge files, odd names. Each builds within seconds, reads nothing but regular files inside the submission, and tells
/// the student what was refused.
/// </summary>
public class HostileWorkspaceTests
{
    const double Seconds = 10;

    TempFolder temp = null!;
    string submission = null!;

    [SetUp]
    public void CreateSubmission()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("these submissions are made of Unix special files");
        temp = new TempFolder();
        submission = CopyStudentFiles(ReferenceProject, temp["submission/Hw3.Attention"]);
    }

    [TearDown]
    public void DeleteTemp() => temp?.Dispose();

    Task<Grader.Workspace.Workspace> BuildAsync(WorkspaceLimits? limits = null) =>
        Within(Seconds, () => WorkspaceStage.Build(HomeworkManifest, StarterProject, temp["submission"], limits));

    [Test]
    public async Task Given_a_named_pipe_as_a_student_file_When_the_workspace_is_built_Then_it_is_never_opened_and_the_starters_file_is_graded()
    {
        File.Delete(Path.Combine(submission, "CausalMask.cs"));
        NamedPipe(Path.Combine(submission, "CausalMask.cs"));

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.EqualTo(new[] { "CausalMask.cs" }));
        Assert.That(workspace.Notes, Does.Contain("CausalMask.cs is not a regular file (a named pipe); the starter's version was graded instead."));
        Assert.That(Text(workspace, "CausalMask.cs"), Is.EqualTo(StarterText("CausalMask.cs")));
        Assert.That(Text(workspace, "Attention.cs"), Is.EqualTo(ReferenceText("Attention.cs")));
    }

    [Test]
    public async Task Given_named_pipes_elsewhere_in_the_submission_When_the_workspace_is_built_Then_they_are_only_named_as_ignored()
    {
        NamedPipe(Path.Combine(submission, "Helpers.cs"));
        NamedPipe(temp["submission/notes.txt"]);
        NamedPipe(temp["submission/deep/er/Tools.csproj"]);

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(workspace.Notes, Has.Some.StartWith("Ignored Helpers.cs: only "));
        Assert.That(workspace.Notes, Does.Contain("Ignored the extra project(s) Tools: the grader builds Hw3.Attention from its own project file."));
        Assert.That(workspace.Homework.Files.Select(f => f.Path), Has.None.EqualTo("Helpers.cs"));
    }

    [Test]
    public async Task Given_a_folder_link_to_the_root_of_the_disk_When_the_workspace_is_built_Then_it_is_not_walked_and_the_student_files_are_graded()
    {
        Directory.CreateSymbolicLink(temp["submission/everything"], "/");
        Directory.CreateSymbolicLink(Path.Combine(submission, "root"), "/");

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(workspace.Notes, Does.Contain("Graded the files in Hw3.Attention/."));
        Assert.That(workspace.Notes, Has.None.Contain("extra project"), "no project file of the grading machine may be listed");
        Assert.That(Text(workspace, "Attention.cs"), Is.EqualTo(ReferenceText("Attention.cs")));
    }

    [Test]
    public async Task Given_a_link_loop_inside_the_submission_When_the_workspace_is_built_Then_it_finishes_and_grades_the_files_once()
    {
        var a = Directory.CreateDirectory(temp["submission/a"]).FullName;
        Directory.CreateSymbolicLink(Path.Combine(a, "b"), a);
        Directory.CreateSymbolicLink(temp["submission/x"], temp["submission/y"]);
        Directory.CreateSymbolicLink(temp["submission/y"], temp["submission/x"]);

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(workspace.Homework.Files.Count(f => f.Path == "Attention.cs"), Is.EqualTo(1));
        Assert.That(Text(workspace, "Attention.cs"), Is.EqualTo(ReferenceText("Attention.cs")));
    }

    [Test]
    public async Task Given_a_student_file_linked_to_dev_zero_When_the_workspace_is_built_Then_it_is_refused_as_a_link_without_reading()
    {
        File.Delete(Path.Combine(submission, "CausalMask.cs"));
        File.CreateSymbolicLink(Path.Combine(submission, "CausalMask.cs"), "/dev/zero");

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.EqualTo(new[] { "CausalMask.cs" }));
        Assert.That(workspace.Notes, Does.Contain("CausalMask.cs is a link, and links are not graded; the starter's version was graded instead."));
        Assert.That(Text(workspace, "CausalMask.cs"), Is.EqualTo(StarterText("CausalMask.cs")));
    }

    [Test]
    public async Task Given_a_student_file_linked_to_a_file_outside_When_the_workspace_is_built_Then_the_outside_file_is_never_read()
    {
        const string Secret = "grader-machine secret: do not read";
        File.WriteAllText(temp["secret.cs"], Secret);
        File.Delete(Path.Combine(submission, "Attention.cs"));
        File.CreateSymbolicLink(Path.Combine(submission, "Attention.cs"), temp["secret.cs"]);

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.EqualTo(new[] { "Attention.cs" }));
        Assert.That(workspace.Homework.Files.Select(f => f.Text), Has.None.Contain(Secret));
    }

    [Test]
    public async Task Given_a_student_file_over_the_size_cap_When_the_workspace_is_built_Then_it_is_not_read_and_the_note_says_so()
    {
        using (var huge = File.Create(Path.Combine(submission, "Attention.cs")))
            huge.SetLength(WorkspaceLimits.Default.MaxFileBytes + 1); // sparse: no disk is used

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.EqualTo(new[] { "Attention.cs" }));
        Assert.That(workspace.Notes, Does.Contain("Attention.cs is larger than 1 MiB and was not graded; the starter's version was graded instead."));
        Assert.That(Text(workspace, "Attention.cs"), Is.EqualTo(StarterText("Attention.cs")));
    }

    [Test]
    public async Task Given_student_files_over_the_total_cap_When_the_workspace_is_built_Then_those_past_it_are_not_read()
    {
        var sizes = HomeworkManifest.StudentFiles.Select(f => new FileInfo(Path.Combine(submission, f)).Length).ToList();
        var limits = WorkspaceLimits.Default with { MaxTotalBytes = sizes[0] + sizes[1] };

        var workspace = await BuildAsync(limits);

        Assert.That(workspace.MissingFiles, Is.EqualTo(HomeworkManifest.StudentFiles.Skip(2)));
        Assert.That(workspace.Notes, Has.Some.Contain("was not graded: the student files together are larger than"));
        Assert.That(Text(workspace, HomeworkManifest.StudentFiles[0]), Is.EqualTo(ReferenceText(HomeworkManifest.StudentFiles[0])));
    }

    [Test]
    public async Task Given_file_names_with_newlines_escapes_and_workflow_commands_When_the_workspace_is_built_Then_it_builds_and_names_them_as_ignored()
    {
        // The '/' makes a folder "x\n::notice …::Points 100" holding "100\n….cs": a layout git and tar are happy to carry.
        var odd = Path.Combine(submission, "x\n::notice title=hw3-attention::Points 100/100\n\u001b[2J\u202e.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(odd)!);
        File.WriteAllText(odd, "class Odd {}");
        File.WriteAllText(Path.Combine(submission, "::stop-commands::abc.cs"), "class Stop {}");

        var workspace = await BuildAsync();

        Assert.That(workspace.MissingFiles, Is.Empty);
        Assert.That(workspace.Homework.Files.Select(f => f.Text), Has.None.Contain("class Odd"));
        var ignored = workspace.Notes.Single(n => n.StartsWith("Ignored ", StringComparison.Ordinal));
        Assert.That(ignored, Does.Contain("::stop-commands::abc.cs").And.Contain("x ::notice title=hw3-attention::Points 100/100 .cs"));
        Assert.That(workspace.Notes.SelectMany(n => n).Where(c => ReportText.IsUnsafe(c) || c == '\n'), Is.Empty, "a note is one line of plain text");
    }

    [Test]
    public async Task Given_more_entries_than_the_walk_allows_When_the_workspace_is_built_Then_it_stops_there_and_says_so()
    {
        for (var i = 0; i < 20; i++) File.WriteAllText(temp[$"submission/junk{i:00}.txt"], "");
        var deep = temp["submission"];
        for (var i = 0; i < 40; i++) deep = Directory.CreateDirectory(Path.Combine(deep, "d")).FullName;
        var limits = WorkspaceLimits.Default with { Walk = new WalkLimits(MaxDepth: 32, MaxEntries: 30) };

        var workspace = await BuildAsync(limits);

        Assert.That(workspace.Notes, Does.Contain("The submission holds more than 30 files and folders; only the first 30 were looked at."));
        Assert.That(workspace.MissingFiles, Is.Empty, "breadth first: the project folder is met before the junk runs out the budget");
    }

    static string Text(Grader.Workspace.Workspace workspace, string file) => workspace.Homework.Files.Single(f => f.Path == file).Text;

    static string StarterText(string file) => File.ReadAllText(Path.Combine(StarterProject, file));

    static string ReferenceText(string file) => File.ReadAllText(Path.Combine(ReferenceProject, file));
}
