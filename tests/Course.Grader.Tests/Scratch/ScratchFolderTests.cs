using System.Diagnostics;
using Course.Grader.Scratch;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Scratch;

/// <summary>
/// Temporary folders whose process died (no finally block ran) are swept by the next folder of their kind; live ones, and
/// ones without an owner file, never are. Each test has a prefix of its own, so that it meets no other test's folders.
/// </summary>
public class ScratchFolderTests
{
    static string Prefix() => $"course-scratch-test-{Guid.NewGuid():N}"[..32] + "-";

    /// <summary>A folder with the student's code in it and an owner file beside it, as a killed process leaves them.</summary>
    static string Orphan(string parent, string prefix)
    {
        var folder = Directory.CreateDirectory(Path.Combine(parent, prefix + Path.GetRandomFileName().Replace(".", ""))).FullName;
        Directory.CreateDirectory(Path.Combine(folder, "submission"));
        File.WriteAllText(Path.Combine(folder, "submission", "Attention.cs"), "// a student's code");
        File.WriteAllBytes(ScratchFolder.OwnerFileOf(folder), []);
        return folder;
    }

    static bool Locked(string file)
    {
        try
        {
            using var _ = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    [Test]
    public void Given_an_orphan_whose_owner_process_was_killed_Then_the_next_folder_of_its_kind_sweeps_it_and_not_while_it_lived()
    {
        Assume.That(File.Exists("/usr/bin/flock") || File.Exists("/bin/flock"), Is.True, "util-linux flock holds the lock in another process");
        using var parent = new TempFolder("course-scratch-test-parent-");
        var prefix = Prefix();
        var orphan = Orphan(parent.Path, prefix);
        var start = new ProcessStartInfo("flock") { UseShellExecute = false };
        foreach (var arg in new[] { "--exclusive", "--close", ScratchFolder.OwnerFileOf(orphan), "sleep", "60" }) start.ArgumentList.Add(arg);
        using var owner = Process.Start(start)!;
        try
        {
            var clock = Stopwatch.StartNew();
            while (!Locked(ScratchFolder.OwnerFileOf(orphan)) && clock.Elapsed < TimeSpan.FromSeconds(10)) Thread.Sleep(20);
            Assert.That(Locked(ScratchFolder.OwnerFileOf(orphan)), Is.True, "flock took the lock");

            Assert.That(ScratchFolder.Sweep(prefix, parent.Path), Is.Zero);
            Assert.That(Directory.Exists(orphan), Is.True, "its process is alive: the folder is in use");
        }
        finally
        {
            // SIGKILL. With --close, flock alone holds the lock (its sleep has no descriptor), and it has ended once reaped.
            owner.Kill(entireProcessTree: true);
            owner.WaitForExit();
        }

        Assert.That(ScratchFolder.Sweep(prefix, parent.Path), Is.EqualTo(1));
        Assert.That(Directory.Exists(orphan), Is.False, "its process is gone");
        Assert.That(File.Exists(ScratchFolder.OwnerFileOf(orphan)), Is.False, "the owner file goes after its folder");
    }

    [Test]
    public void Given_a_live_folder_Then_a_sweep_leaves_it_and_deleting_it_takes_the_owner_file_too()
    {
        var prefix = Prefix();
        var live = ScratchFolder.Create(prefix);
        try
        {
            Assert.That(live.Owned, Is.True);
            File.WriteAllText(Path.Combine(live.Path, "Attention.cs"), "// a student's code");
            if (!OperatingSystem.IsWindows())
                Assert.That(File.GetUnixFileMode(live.Path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));

            using (var second = ScratchFolder.Create(prefix))
            {
                Assert.That(Directory.Exists(live.Path), Is.True, "held: another folder of the kind does not sweep it");
                Assert.That(ScratchFolder.Sweep(prefix), Is.Zero);
            }
            Assert.That(Directory.EnumerateFileSystemEntries(Path.GetTempPath(), prefix + "*").Count(), Is.EqualTo(2), "the second folder and its owner file are gone");
        }
        finally
        {
            live.Dispose();
        }
        Assert.That(Directory.Exists(live.Path), Is.False);
        Assert.That(File.Exists(ScratchFolder.OwnerFileOf(live.Path)), Is.False);
    }

    [Test]
    public void Given_a_folder_without_an_owner_file_or_a_link_Then_no_sweep_deletes_it()
    {
        using var parent = new TempFolder("course-scratch-test-parent-");
        var prefix = Prefix();
        var older = Orphan(parent.Path, prefix);
        File.Delete(ScratchFolder.OwnerFileOf(older)); // an older grader's, or one whose owner file is not made yet
        var target = Orphan(parent.Path, "elsewhere-");
        var link = Path.Combine(parent.Path, prefix + "link");
        Directory.CreateSymbolicLink(link, target);
        File.WriteAllBytes(ScratchFolder.OwnerFileOf(link), []);

        Assert.That(ScratchFolder.Sweep(prefix, parent.Path), Is.Zero);

        Assert.That(File.Exists(Path.Combine(older, "submission", "Attention.cs")), Is.True, "no owner file: never swept");
        Assert.That(File.Exists(Path.Combine(target, "submission", "Attention.cs")), Is.True, "a link is not followed");
        Assert.That(Directory.Exists(link), Is.True);
    }

    [Test]
    public void Given_an_orphan_that_cannot_be_deleted_Then_the_sweep_does_not_throw_and_a_later_one_deletes_it()
    {
        using var parent = new TempFolder("course-scratch-test-parent-");
        var prefix = Prefix();
        var orphan = Orphan(parent.Path, prefix);
        using (Undeletable(parent.Path, orphan))
        {
            Assert.That(() => ScratchFolder.Sweep(prefix, parent.Path), Throws.Nothing);
            Assert.That(ScratchFolder.Sweep(prefix, parent.Path), Is.Zero);
            Assert.That(File.Exists(ScratchFolder.OwnerFileOf(orphan)), Is.True, "the owner file stays for a later sweep");
        }
        Assert.That(ScratchFolder.Sweep(prefix, parent.Path), Is.EqualTo(1));
        Assert.That(Directory.Exists(orphan), Is.False);
        Assert.That(() => ScratchFolder.Sweep(prefix, Path.Combine(parent.Path, "no-such-folder")), Throws.Nothing);
    }

    /// <summary>
    /// Makes <paramref name="orphan"/> undeletable until disposed: on Windows, a file in it held open; on Unix, its parent
    /// made unwritable (mode 0500, or immutable where the tests run as root, whom modes do not stop).
    /// </summary>
    static IDisposable Undeletable(string parent, string orphan)
    {
        if (OperatingSystem.IsWindows())
            return new FileStream(Path.Combine(orphan, "submission", "Attention.cs"), FileMode.Open, FileAccess.Read, FileShare.None);
        if (Environment.UserName != "root")
        {
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            return new Undo(() =>
            {
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            });
        }
        Assume.That(Chattr("+i", parent), Is.Zero, "chattr +i: the file system of the temp folder supports immutable folders");
        return new Undo(() => Chattr("-i", parent));
    }

    static int Chattr(string flag, string path)
    {
        var start = new ProcessStartInfo("chattr") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add(flag);
        start.ArgumentList.Add(path);
        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    sealed class Undo(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}
