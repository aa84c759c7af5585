using Course.Grader.Tests.Pipeline;
using Course.Grader.Workspace;
using static Course.Grader.Tests.Workspace.SpecialFiles;

namespace Course.Grader.Tests.Workspace;

/// <summary>The file kinds the platform reports without following links, bounded reads, and walks that never leave the folder.</summary>
public class SafeFilesTests
{
    TempFolder temp = null!;

    [SetUp]
    public void CreateTemp()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("named pipes, /dev and symbolic links as a Unix host has them");
        temp = new TempFolder();
    }

    [TearDown]
    public void DeleteTemp() => temp?.Dispose();

    [Test]
    public void Given_each_kind_of_entry_When_its_kind_is_asked_Then_the_platform_answers_without_following_links_or_opening_it()
    {
        File.WriteAllText(temp["file.cs"], "12345");
        Directory.CreateDirectory(temp["folder"]);
        File.CreateSymbolicLink(temp["link-to-file"], temp["file.cs"]);
        Directory.CreateSymbolicLink(temp["link-to-root"], "/");
        File.CreateSymbolicLink(temp["dangling"], temp["nowhere"]);
        NamedPipe(temp["pipe"]);

        Assert.That(FileEntry.Of(temp["file.cs"]), Is.EqualTo(new FileEntry(FileKind.Regular, 5)));
        Assert.That(FileEntry.Of(temp["folder"]).Kind, Is.EqualTo(FileKind.Directory));
        Assert.That(FileEntry.Of(temp["link-to-file"]).Kind, Is.EqualTo(FileKind.SymbolicLink));
        Assert.That(FileEntry.Of(temp["link-to-root"]).Kind, Is.EqualTo(FileKind.SymbolicLink));
        Assert.That(FileEntry.Of(temp["dangling"]).Kind, Is.EqualTo(FileKind.SymbolicLink));
        Assert.That(FileEntry.Of(temp["pipe"]).Kind, Is.EqualTo(FileKind.NamedPipe), ".NET itself calls a pipe a normal file");
        Assert.That(FileEntry.Of("/dev/null").Kind, Is.EqualTo(FileKind.CharacterDevice));
        Assert.That(FileEntry.Of(temp["nowhere"]), Is.EqualTo(FileEntry.Missing));
        Assert.That(FileEntry.Of(temp["file.cs/below-a-file"]), Is.EqualTo(FileEntry.Missing));
    }

    [Test]
    public async Task Given_a_pipe_a_device_and_a_link_When_read_Then_none_is_opened_and_each_says_why()
    {
        NamedPipe(temp["pipe"]);
        File.CreateSymbolicLink(temp["zero"], "/dev/zero");

        var pipe = await Within(5, () => SafeFiles.ReadText(temp["pipe"], 1 << 20));
        var device = SafeFiles.ReadText("/dev/zero", 1 << 20);
        var link = SafeFiles.ReadText(temp["zero"], 1 << 20);

        Assert.That((pipe.Outcome, pipe.Entry.Kind), Is.EqualTo((ReadOutcome.NotRegular, FileKind.NamedPipe)));
        Assert.That((device.Outcome, device.Entry.Kind), Is.EqualTo((ReadOutcome.NotRegular, FileKind.CharacterDevice)));
        Assert.That((link.Outcome, link.Entry.Kind), Is.EqualTo((ReadOutcome.NotRegular, FileKind.SymbolicLink)));
        Assert.That(new[] { pipe.Text, device.Text, link.Text }, Has.All.Null);
    }

    [Test]
    public void Given_files_at_and_over_the_cap_When_read_Then_only_those_within_it_are_read()
    {
        File.WriteAllText(temp["at.cs"], new string('a', 100));
        File.WriteAllText(temp["over.cs"], new string('a', 101));
        File.WriteAllBytes(temp["bom.cs"], [0xEF, 0xBB, 0xBF, (byte)'h', (byte)'i']);

        Assert.That(SafeFiles.ReadText(temp["at.cs"], 100).Text, Has.Length.EqualTo(100));
        Assert.That(SafeFiles.ReadText(temp["over.cs"], 100), Is.EqualTo(new TextRead(ReadOutcome.TooLarge, null, new FileEntry(FileKind.Regular, 101))));
        Assert.That(SafeFiles.ReadText(temp["bom.cs"], 100).Text, Is.EqualTo("hi"), "decoded as File.ReadAllText does");
        Assert.That(SafeFiles.ReadText(temp["missing.cs"], 100).Outcome, Is.EqualTo(ReadOutcome.Missing));
    }

    [Test]
    public async Task Given_links_to_the_root_and_a_loop_When_walked_Then_links_are_listed_and_never_entered()
    {
        Directory.CreateDirectory(temp["a/b"]);
        File.WriteAllText(temp["a/b/c.cs"], "");
        Directory.CreateSymbolicLink(temp["a/root"], "/");
        Directory.CreateSymbolicLink(temp["a/b/loop"], temp["a"]);
        NamedPipe(temp["a/pipe"]);

        var walk = await Within(5, () => SafeFiles.Walk(temp.Path));

        Assert.That(walk.Entries.Select(e => (e.Path, e.Entry.Kind)), Is.EqualTo(new[]
        {
            ("a", FileKind.Directory),
            ("a/b", FileKind.Directory),
            ("a/pipe", FileKind.NamedPipe),
            ("a/root", FileKind.SymbolicLink),
            ("a/b/c.cs", FileKind.Regular),
            ("a/b/loop", FileKind.SymbolicLink),
        }));
        Assert.That((walk.Truncated, walk.Unreadable), Is.EqualTo((false, 0)));
    }

    [Test]
    public void Given_a_tree_deeper_and_wider_than_the_limits_When_walked_Then_it_stops_at_them()
    {
        var deep = temp.Path;
        for (var i = 0; i < 10; i++) deep = Directory.CreateDirectory(Path.Combine(deep, "d")).FullName;
        for (var i = 0; i < 10; i++) File.WriteAllText(temp[$"f{i}"], "");

        var shallow = SafeFiles.Walk(temp.Path, new WalkLimits(MaxDepth: 3, MaxEntries: 1000));
        var narrow = SafeFiles.Walk(temp.Path, new WalkLimits(MaxDepth: 32, MaxEntries: 5));

        Assert.That(shallow.Entries.Select(e => e.Path).Where(p => p.StartsWith('d')), Is.EqualTo(new[] { "d", "d/d", "d/d/d" }));
        Assert.That(shallow.Truncated, Is.False);
        Assert.That(narrow.Entries, Has.Count.EqualTo(5));
        Assert.That(narrow.Truncated, Is.True);
    }

    [Test]
    public void Given_a_cap_When_stated_to_a_student_Then_it_reads_in_binary_units()
    {
        Assert.That(new[] { SafeFiles.Size(1 << 20), SafeFiles.Size(4L << 20), SafeFiles.Size(512 << 10), SafeFiles.Size(1000) },
            Is.EqualTo(new[] { "1 MiB", "4 MiB", "512 KiB", "1000 bytes" }));
    }
}
