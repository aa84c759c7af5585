using Course.Grader.Run;
using Course.Grader.Sandbox;

namespace Course.Grader.Tests.Run;

/// <summary>The grader's side of the sandbox, piece by piece: the worker's environment, the run folder, the combined report.</summary>
public class SandboxPiecesTests
{
    [Test]
    public void Given_the_graders_environment_Then_the_worker_gets_only_the_allow_list_and_its_own_folders()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PATH"] = "/usr/bin",
            ["LANG"] = "C.UTF-8",
            ["DOTNET_ROOT_X64"] = "/opt/dotnet",
            ["COURSE_DEVICE"] = "cuda",
            ["GITHUB_TOKEN"] = "ghp_secret",
            ["GITHUB_OUTPUT"] = "/home/runner/output",
            ["GITHUB_STEP_SUMMARY"] = "/home/runner/summary",
            ["COURSE_GOLDEN"] = "record",
            ["COURSE_GOLDEN_DIR"] = "/somewhere",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["HOME"] = "/home/runner",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_STARTUP_HOOKS"] = "/tmp/hook.dll",
        };

        WorkerEnvironment.Apply(environment, "/run/scratch");

        Assert.That(environment, Is.EquivalentTo(new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin",
            ["LANG"] = "C.UTF-8",
            ["DOTNET_ROOT_X64"] = "/opt/dotnet",
            ["COURSE_DEVICE"] = "cuda",
            ["OMP_NUM_THREADS"] = "1",
            ["GLIBC_TUNABLES"] = WorkerEnvironment.AllocatorTunables,
            ["HOME"] = "/run/scratch",
            ["TMPDIR"] = "/run/scratch",
            ["DOTNET_EnableDiagnostics"] = "0",
            ["DOTNET_DbgEnableMiniDump"] = "0",
            ["DOTNET_EnableCrashReport"] = "0",
            ["DOTNET_JITMinOpts"] = "1",
        }));
    }

    [Test]
    public void Given_a_thread_count_and_glibc_tunables_in_the_graders_environment_Then_the_worker_keeps_them()
    {
        var environment = new Dictionary<string, string?> { ["OMP_NUM_THREADS"] = "4", ["MKL_NUM_THREADS"] = "2", ["GLIBC_TUNABLES"] = "glibc.malloc.arena_max=2" };

        WorkerEnvironment.Apply(environment, "/run/scratch");

        Assert.That((environment["OMP_NUM_THREADS"], environment["MKL_NUM_THREADS"], environment["GLIBC_TUNABLES"]), Is.EqualTo(("4", "2", "glibc.malloc.arena_max=2")));
    }

    [Test]
    public void Given_no_folder_Then_the_run_gets_a_new_private_one()
    {
        using var firstFolder = PrivateFolder.CreateTemporary();
        using var secondFolder = PrivateFolder.CreateTemporary();
        var (first, second) = (firstFolder.Path, secondFolder.Path);
        Assert.That(first, Is.Not.EqualTo(second));
        Assert.That(Directory.EnumerateFileSystemEntries(first), Is.Empty);
        if (!OperatingSystem.IsWindows())
            Assert.That(File.GetUnixFileMode(first), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.That(PrivateFolder.Layer(first).Active, Is.EqualTo(!OperatingSystem.IsWindows()));
        Assert.That(File.Exists(first + ".owner"), Is.True, "held while the run lasts, so that a grader killed mid-run leaves nothing for good");
    }

    [Test]
    public void Given_a_requested_folder_Then_it_must_be_new_or_empty_and_becomes_private()
    {
        var parent = Directory.CreateTempSubdirectory("course-test-").FullName;
        try
        {
            var fresh = Path.Combine(parent, "fresh");
            var used = Directory.CreateDirectory(Path.Combine(parent, "used")).FullName;
            File.WriteAllText(Path.Combine(used, "left-over.dll"), "");
            var empty = Directory.CreateDirectory(Path.Combine(parent, "empty")).FullName;
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(empty, (UnixFileMode)0b111_111_111);

            Assert.That(PrivateFolder.Create(fresh), Is.EqualTo(fresh));
            Assert.That(PrivateFolder.Create(empty), Is.EqualTo(empty));
            Assert.That(() => PrivateFolder.Create(used), Throws.InstanceOf<IOException>().With.Message.Contains("must be a new or empty folder"));
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(fresh), Is.EqualTo((UnixFileMode)0b111_000_000));
                Assert.That(File.GetUnixFileMode(empty), Is.EqualTo((UnixFileMode)0b111_000_000), "a folder given with mode 0777 is made private");
                var link = Path.Combine(parent, "link");
                Directory.CreateSymbolicLink(link, empty);
                Assert.That(() => PrivateFolder.Create(link), Throws.InstanceOf<IOException>().With.Message.Contains("not a link"));
            }
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Test]
    public void Given_worker_starts_that_disagree_Then_a_layer_is_active_only_if_every_start_had_it()
    {
        SandboxLayer Layer(string name, bool active, string detail = "") => new(name, active, detail == "" ? (active ? "on" : "off") : detail);
        IReadOnlyList<SandboxLayer> Report(bool seccomp) =>
            [.. SandboxLayerNames.WorkerApplied.Select(n => n == SandboxLayerNames.Seccomp ? Layer(n, seccomp, seccomp ? "on" : "refused") : Layer(n, true))];
        var parent = (Layer(SandboxLayerNames.Environment, true), Layer(SandboxLayerNames.RunFolder, true), Layer(SandboxLayerNames.GroupLimits, true));

        var layers = SandboxSummary.Combine(parent.Item1, parent.Item2, parent.Item3, [Report(true), null, Report(false)]);

        Assert.That(layers.Select(l => l.Name).Take(4), Is.EqualTo(new[]
            { SandboxLayerNames.Environment, SandboxLayerNames.RunFolder, SandboxLayerNames.ProcessGroup, SandboxLayerNames.GroupLimits }));
        Assert.That(layers.Single(l => l.Name == SandboxLayerNames.Seccomp), Is.EqualTo(Layer(SandboxLayerNames.Seccomp, false, "refused")));
        Assert.That(layers.Where(l => l.Name != SandboxLayerNames.Seccomp).Select(l => l.Active), Has.All.True);
        Assert.That(SandboxSummary.Combine(parent.Item1, parent.Item2, parent.Item3, [null]).Single(l => l.Name == SandboxLayerNames.LandlockFilesystem),
            Is.EqualTo(Layer(SandboxLayerNames.LandlockFilesystem, false, "unknown: the worker ended before it reported its sandbox")));
    }

    [Test]
    public async Task Given_a_requested_run_folder_that_is_not_empty_Then_the_run_refuses_it()
    {
        var used = Directory.CreateTempSubdirectory("course-test-").FullName;
        File.WriteAllText(Path.Combine(used, "planted.dll"), "");
        try
        {
            var request = new RunRequest(new Course.Grader.Compile.CompiledAssembly("Tiny.Homework", [], []), [], new RunLimits(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 100),
                new WorkerLocation("/nowhere/Course.Worker.dll"), used);

            Assert.That(async () => await RunStage.RunAsync(request), Throws.InstanceOf<IOException>());
        }
        finally
        {
            Directory.Delete(used, recursive: true);
        }
    }
}
