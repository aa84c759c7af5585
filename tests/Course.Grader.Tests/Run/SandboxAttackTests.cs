using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Course.Grader.Run;
using Course.Grader.Sandbox;
using Course.Grader.Tests.Compile;
using Course.Grader.Tests.Homeworks;

namespace Course.Grader.Tests.Run;

/// <summary>
/// Test code plays a student who got past the static checks and runs anything in the worker: each
/// attack asserts, inside the worker, that it was refused with the exact error, and these tests check
/// from outside that nothing escaped (no file written, no secret in the output, no connection, no
/// process left) and that the layer that refused it is reported active. Where this kernel lacks a
/// layer, the attack must succeed and the report must mark the layer inactive. One run for all.
/// </summary>
[NonParallelizable]
[Platform(Include = "Linux", Reason = "the attacks read /proc and call Linux syscalls; elsewhere WellBehavedSuiteTests checks that the report marks Linux's layers inactive")]
public class SandboxAttackTests
{
    const string Secret = "the-answer-key-7f3a";
    const string TokenValue = "ghp_sandbox_test_token_51c0";
    static readonly string Marker = $"3600.{Random.Shared.NextInt64(100_000_000, 999_999_999)}";

    static string outside = "", otherRun = "";
    static readonly Dictionary<string, string?> SavedVariables = new(StringComparer.Ordinal);
    static TcpListener? listener;
    static Socket? unixListener;
    static int unixConnections;
    static int inheritableFd = -1;
    static int connections;
    static RunResult? run;

    static string WriteTarget => Path.Combine(outside, "written-by-the-worker.txt");
    static string OtherRunTarget => Path.Combine(otherRun, "planted.txt");

    /// <summary>
    /// A UNIX socket in a folder of the grader's user, as Roslyn's compiler server listens on while `dotnet build` has left one
    /// running (the course's build uses it): a process that reached it could ask it to compile and write files anywhere.
    /// </summary>
    static string UnixSocketPath => Path.Combine(outside, "compiler-server.sock");

    [OneTimeSetUp]
    public async Task RunTheAttacks()
    {
        outside = Directory.CreateTempSubdirectory("course-sandbox-outside-").FullName;
        File.WriteAllText(Path.Combine(outside, "secret.txt"), Secret);
        otherRun = Directory.CreateTempSubdirectory("course-run-").FullName;
        foreach (var (name, value) in new[] { ("GITHUB_TOKEN", TokenValue), ("COURSE_SECRET", Secret), ("GITHUB_OUTPUT", Path.Combine(outside, "output")) })
        {
            SavedVariables[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
        // As a CI runner or shell might hand the grader: a descriptor without close-on-exec, which every child inherits.
        inheritableFd = open(Path.Combine(outside, "secret.txt"), 0);
        Assert.That(inheritableFd, Is.GreaterThan(2));
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = CountConnectionsAsync(listener.Server, () => Interlocked.Increment(ref connections));
        unixListener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        unixListener.Bind(new UnixDomainSocketEndPoint(UnixSocketPath));
        unixListener.Listen();
        _ = CountConnectionsAsync(unixListener, () => Interlocked.Increment(ref unixConnections));
        try
        {
            run = await TinyHomework.RunAsync("namespace Tiny.Homework; public static class Nothing { }", Attacks(),
                new RunLimits(TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90), 2048));
        }
        finally
        {
            foreach (var (name, value) in SavedVariables) Environment.SetEnvironmentVariable(name, value);
        }
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        if (inheritableFd >= 0) close(inheritableFd);
        listener?.Stop();
        unixListener?.Dispose();
        foreach (var dir in new[] { outside, otherRun }.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
    }

    [DllImport("libc", SetLastError = true)]
    static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc")]
    static extern int close(int fd);

    /// <summary>Counts the connections <paramref name="server"/> accepts until it is closed.</summary>
    static async Task CountConnectionsAsync(Socket server, Action accepted)
    {
        try
        {
            while (true)
            {
                using var client = await server.AcceptAsync();
                accepted();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    static string Attacks()
    {
        var port = ((IPEndPoint)listener!.LocalEndpoint).Port;
        var repositoryFile = Path.Combine(HomeworkPipeline.Layout.Root, "assignments", "hw3-attention", "assignment.yaml");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return $$"""
            using System;
            using System.ComponentModel;
            using System.Diagnostics;
            using System.IO;
            using System.Linq;
            using System.Net.Sockets;
            using System.Runtime.InteropServices;
            using NUnit.Framework;

            namespace Tiny.Homework.Tests;

            public class Attacks
            {
                const int EPERM = 1, SIGCONT = 18, SIGSTOP = 19, PTRACE_ATTACH = 16;

                [DllImport("libc", SetLastError = true)] static extern int kill(int pid, int signal);
                [DllImport("libc", SetLastError = true)] static extern long syscall(long number, nint flags, nint stack, nint parent, nint child);
                [DllImport("libc")] static extern void _exit(int status);
                [DllImport("libc", SetLastError = true)] static extern int setpgid(int pid, int pgid);
                [DllImport("libc", SetLastError = true)] static extern int getpgid(int pid);
                [DllImport("libc", SetLastError = true)] static extern long ptrace(long request, int pid, nint address, nint data);

                /// <summary>The grader: the worker's parent, from /proc/self/stat.</summary>
                static int Grader() => int.Parse(File.ReadAllText("/proc/self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

                [Test]
                public void Environment_HoldsNoneOfTheGradersSecrets()
                {
                    var names = Environment.GetEnvironmentVariables().Keys.Cast<string>().Order().ToList();
                    Console.WriteLine(string.Join(" ", names));
                    Assert.That(Environment.GetEnvironmentVariable("GITHUB_TOKEN"), Is.Null);
                    Assert.That(Environment.GetEnvironmentVariable("COURSE_SECRET"), Is.Null);
                    Assert.That(names.Where(n => n.StartsWith("GITHUB_") || n.StartsWith("COURSE_GOLDEN")), Is.Empty);
                    Assert.That(Environment.GetEnvironmentVariable("HOME"), Is.EqualTo(Environment.CurrentDirectory));
                    Assert.That(Path.GetTempPath().TrimEnd('/'), Is.EqualTo(Environment.CurrentDirectory));
                    Assert.That(Environment.GetEnvironmentVariable("DOTNET_EnableDiagnostics"), Is.EqualTo("0"));
                    Assert.That(Environment.GetEnvironmentVariable("DOTNET_JITMinOpts"), Is.EqualTo("1"), "TorchSharp's finalizer race needs unoptimised JIT code");
                }

                [Test]
                public void File_WriteOutsideTheRunFolder() =>
                    Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(@"{{WriteTarget}}", "escaped"));

                [Test]
                public void File_ReadASecretOutside() =>
                    Assert.Throws<UnauthorizedAccessException>(() => Console.WriteLine(File.ReadAllText(@"{{Path.Combine(outside, "secret.txt")}}")));

                [Test]
                public void File_ReadTheCourseRepository() =>
                    Assert.Throws<UnauthorizedAccessException>(() => Console.WriteLine(File.ReadAllText(@"{{repositoryFile}}")));

                [Test]
                public void File_ListTheGradersHome() =>
                    Assert.Throws<UnauthorizedAccessException>(() => Console.WriteLine(string.Join(",", Directory.GetFileSystemEntries(@"{{home}}"))));

                [Test]
                public void File_ReadTheGradersEnvironment() =>
                    Assert.Throws<UnauthorizedAccessException>(() => Console.WriteLine(File.ReadAllText($"/proc/{Grader()}/environ")));

                [Test]
                public void File_WriteIntoAnotherRunFolder() =>
                    Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(@"{{OtherRunTarget}}", "planted"));

                [Test]
                public void File_ReplaceThisRunsTestAssembly() =>
                    Assert.Throws<UnauthorizedAccessException>(() => File.OpenWrite(typeof(Attacks).Assembly.Location).Dispose());

                [Test]
                public void File_PlantAGoldenFile() =>
                    Assert.Throws<UnauthorizedAccessException>(() => File.WriteAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "planted.safetensors"), "x"));

                [Test]
                public void File_WriteInTheScratchFolderStillWorks()
                {
                    var path = Path.Combine(Path.GetTempPath(), "notes.txt");
                    File.WriteAllText(path, "mine");
                    Assert.That(File.ReadAllText(path), Is.EqualTo("mine"));
                }

                [Test]
                public void Network_ConnectToTheGradersListener()
                {
                    var e = Assert.Catch<SocketException>(() => new TcpClient().Connect("127.0.0.1", {{port}}));
                    Console.WriteLine($"{e!.SocketErrorCode}: {e.Message}");
                }

                [Test]
                public void Network_SendUdp()
                {
                    var e = Assert.Catch<SocketException>(() => new UdpClient().Send(new byte[] { 1 }, 1, "127.0.0.1", {{port}}));
                    Console.WriteLine($"{e!.SocketErrorCode}: {e.Message}");
                }

                [Test]
                public void Network_ConnectToAUnixSocketOfTheGradersUser()
                {
                    var e = Assert.Catch<SocketException>(() =>
                    {
                        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                        socket.Connect(new UnixDomainSocketEndPoint("{{UnixSocketPath}}"));
                    });
                    Console.WriteLine($"{e!.SocketErrorCode}: {e.Message}");
                }

                [Test]
                public void Process_StartAChild()
                {
                    var e = Assert.Throws<Win32Exception>(() => Process.Start("/bin/sleep", "{{Marker}}"));
                    Console.WriteLine(e!.Message);
                }

                [Test]
                public void Process_StartADetachedDoubleFork()
                {
                    var e = Assert.Throws<Win32Exception>(() => Process.Start("/bin/sh", new[] { "-c", "setsid nohup sh -c 'sleep {{Marker}} &' &" }));
                    Console.WriteLine(e!.Message);
                }

                /// <summary>The raw clone syscall (what fork() makes), as glibc's fork() runs atfork handlers that may change errno.</summary>
                [Test]
                public void Process_Fork()
                {
                    const int SIGCHLD = 17;
                    var pid = syscall(RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 220 : 56, SIGCHLD, 0, 0, 0);
                    var errno = Marshal.GetLastPInvokeError();
                    if (pid == 0) _exit(0);
                    Assert.That((pid, errno), Is.EqualTo((-1L, EPERM)));
                }

                [Test]
                public void Process_JoinTheGradersProcessGroup() =>
                    Assert.That((setpgid(0, getpgid(Grader())), Marshal.GetLastPInvokeError()), Is.EqualTo((-1, EPERM)));

                [Test]
                public void Signal_StopTheGrader() =>
                    Assert.That((kill(Grader(), SIGSTOP), Marshal.GetLastPInvokeError()), Is.EqualTo((-1, EPERM)));

                [Test]
                public void Signal_TheGradersProcessGroup() =>
                    Assert.That((kill(-getpgid(Grader()), SIGCONT), Marshal.GetLastPInvokeError()), Is.EqualTo((-1, EPERM)));

                [Test]
                public void Signal_Ptrace() =>
                    Assert.That((ptrace(PTRACE_ATTACH, Grader(), 0, 0), Marshal.GetLastPInvokeError()), Is.EqualTo((-1L, EPERM)));

                /// <summary>Landlock's /proc rules hold only while their dentries are pinned (procfs makes new inodes when it rebuilds them).</summary>
                [Test]
                public void Proc_RulePathsArePinned()
                {
                    var open = Directory.GetFileSystemEntries("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
                    Assert.That(open, Is.SupersetOf(new[] { $"/proc/{Environment.ProcessId}", "/proc/meminfo", "/proc/stat" }));
                }

                [Test]
                public void Descriptors_NoneInheritedFromTheGrader()
                {
                    var open = Directory.GetFileSystemEntries("/proc/self/fd").Select(fd => new FileInfo(fd).LinkTarget).ToList();
                    Assert.That(open, Has.None.EqualTo(@"{{Path.Combine(outside, "secret.txt")}}"));
                }

                [Test]
                public void Stdin_EndsAtOnce() => Assert.That(Console.In.ReadLine(), Is.Null, "the grader's end of the lifeline is not the console");

                [Test]
                public void Limits_AreInPlace()
                {
                    var limits = File.ReadAllLines("/proc/self/limits");
                    Assert.That(limits.Single(l => l.StartsWith("Max core file size")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4..6], Is.EqualTo(new[] { "0", "0" }));
                    Assert.That(limits.Single(l => l.StartsWith("Max file size")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5], Is.EqualTo(new[] { "1073741824", "1073741824" }));
                }

                [Test]
                public void Privileges_AreGone()
                {
                    var status = File.ReadAllLines("/proc/self/status").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
                    Console.WriteLine($"CapEff {status["CapEff"]} CapBnd {status["CapBnd"]} NoNewPrivs {status["NoNewPrivs"]} Seccomp {status["Seccomp"]}");
                    Assert.That(status["CapEff"].Trim('0'), Is.Empty);
                    Assert.That(status["CapPrm"].Trim('0'), Is.Empty);
                    Assert.That(status["NoNewPrivs"], Is.EqualTo("1"));
                }
            }
            """;
    }

    static RunResult Run => run ?? throw new InvalidOperationException("the attack run did not happen");

    static SandboxLayer Layer(string name) => Run.Sandbox.Single(l => l.Name == name);

    static bool Landlock => KernelFeatures.LandlockAbi >= 1;

    /// <summary>
    /// The attack was refused when one of the layers that refuse it exists on this kernel, and each
    /// layer is reported active exactly when the kernel has it.
    /// </summary>
    static void AssertRefused(string attack, params (string Layer, bool Exists)[] layers)
    {
        var result = Run.Single(attack);
        foreach (var (name, exists) in layers)
            Assert.That(Layer(name).Active, Is.EqualTo(exists), () => $"{name}: {Layer(name).Detail}");
        if (layers.Any(l => l.Exists))
            Assert.That((result.Outcome, result.Message), Is.EqualTo((TestOutcome.Passed, "")), result.Output);
        else
            Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Failed), "with no layer to refuse it, the attack succeeds");
    }

    [Test]
    public void Given_the_attacks_Then_one_worker_ran_them_all_without_an_incident()
    {
        TestContext.Out.WriteLine(string.Join("\n", Run.Sandbox));
        TestContext.Out.WriteLine(string.Join("\n", Run.Tests.Select(t => $"{t.Test.Name}: {t.Outcome} {t.Message} {t.Output}")));
        Assert.That(Run.Error, Is.Null);
        Assert.That(Run.Incidents, Is.Empty);
        Assert.That(Run.WorkerStarts, Is.EqualTo(1));
        Assert.That(Run.Tests, Has.Count.EqualTo(25));
        Assert.That(Run.DurationSeconds, Is.LessThan(30));
    }

    [Test]
    public void Given_secrets_in_the_graders_environment_Then_the_worker_sees_none_of_them()
    {
        var result = Run.Single("Environment_HoldsNoneOfTheGradersSecrets");

        Assert.That((result.Outcome, result.Message), Is.EqualTo((TestOutcome.Passed, "")));
        Assert.That(Layer(SandboxLayerNames.Environment).Active, Is.True);
        Assert.That(Layer(SandboxLayerNames.Environment).Detail, Does.Not.Contain("GITHUB_TOKEN").And.Not.Contain("COURSE_SECRET"));
        Assert.That(Run.Tests.Select(t => t.Output + t.Message), Has.None.Contain(TokenValue).And.None.Contain(Secret));
    }

    [Test]
    public void Given_a_write_outside_the_run_folder_Then_it_is_refused_and_no_file_appears()
    {
        AssertRefused("File_WriteOutsideTheRunFolder", (SandboxLayerNames.LandlockFilesystem, Landlock));
        Assert.That(File.Exists(WriteTarget), Is.EqualTo(!Landlock));
    }

    [TestCase("File_ReadASecretOutside")]
    [TestCase("File_ReadTheCourseRepository")]
    [TestCase("File_ListTheGradersHome")]
    [TestCase("File_ReadTheGradersEnvironment")]
    public void Given_a_read_of_the_graders_files_Then_it_is_refused(string attack)
    {
        AssertRefused(attack, (SandboxLayerNames.LandlockFilesystem, Landlock));
        Assert.That(Run.Single(attack).Output, Does.Not.Contain(Secret).And.Not.Contain(TokenValue));
    }

    [Test]
    public void Given_a_descriptor_the_grader_would_pass_to_children_Then_the_worker_does_not_hold_it()
    {
        var result = Run.Single("Descriptors_NoneInheritedFromTheGrader");

        Assert.That((result.Outcome, result.Message), Is.EqualTo((TestOutcome.Passed, "")));
    }

    [Test]
    public void Given_a_write_into_another_grades_run_folder_Then_it_is_refused()
    {
        AssertRefused("File_WriteIntoAnotherRunFolder", (SandboxLayerNames.LandlockFilesystem, Landlock));
        Assert.That(File.Exists(OtherRunTarget), Is.EqualTo(!Landlock));
    }

    [TestCase("File_ReplaceThisRunsTestAssembly")]
    [TestCase("File_PlantAGoldenFile")]
    public void Given_a_write_into_its_own_run_folder_Then_only_the_scratch_folder_is_writable(string attack)
    {
        AssertRefused(attack, (SandboxLayerNames.LandlockFilesystem, Landlock));
        Assert.That(Run.Single("File_WriteInTheScratchFolderStillWorks").Outcome, Is.EqualTo(TestOutcome.Passed));
    }

    [Test]
    public void Given_a_tcp_connection_to_the_grader_Then_it_is_refused_and_the_listener_sees_nothing()
    {
        AssertRefused("Network_ConnectToTheGradersListener",
            (SandboxLayerNames.LandlockNetwork, KernelFeatures.LandlockAbi >= 4), (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
        Assert.That(Volatile.Read(ref connections), Is.Zero);
    }

    [Test]
    public void Given_a_connection_to_a_unix_socket_of_the_graders_user_like_the_compiler_servers_Then_it_is_refused_and_the_listener_sees_nothing()
    {
        // Landlock does not govern connecting to a socket file; seccomp refuses the socket itself.
        AssertRefused("Network_ConnectToAUnixSocketOfTheGradersUser", (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
        Assert.That(Volatile.Read(ref unixConnections), Is.Zero);
    }

    [Test]
    public void Given_a_udp_datagram_Then_seccomp_refuses_the_socket()
    {
        AssertRefused("Network_SendUdp", (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
    }

    [TestCase("Process_StartAChild")]
    [TestCase("Process_StartADetachedDoubleFork")]
    [TestCase("Process_Fork")]
    public void Given_a_new_process_Then_it_is_refused_and_none_is_left(string attack)
    {
        AssertRefused(attack, (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
        Assert.That(KernelFeatures.ProcessesWith(Marker), Is.Empty);
    }

    [Test]
    public void Given_an_attempt_to_leave_the_process_group_Then_it_is_refused()
    {
        AssertRefused("Process_JoinTheGradersProcessGroup", (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
        Assert.That(Layer(SandboxLayerNames.ProcessGroup).Active, Is.True);
        Assert.That(Layer(SandboxLayerNames.ProcessGroup).Detail, KernelFeatures.Seccomp ? Does.Not.Contain("setsid") : Does.Contain("setsid"));
    }

    [TestCase("Signal_StopTheGrader")]
    [TestCase("Signal_TheGradersProcessGroup")]
    public void Given_a_signal_to_the_grader_Then_it_is_refused_and_the_grader_runs_on(string attack)
    {
        AssertRefused(attack, (SandboxLayerNames.LandlockScope, KernelFeatures.LandlockAbi >= 6), (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
        Assert.That(File.ReadAllText("/proc/self/stat").Split(')')[^1].Trim()[0], Is.Not.EqualTo('T'), "this process, the grader, is not stopped");
    }

    [Test]
    public void Given_ptrace_of_the_grader_Then_it_is_refused()
    {
        AssertRefused("Signal_Ptrace", (SandboxLayerNames.Seccomp, KernelFeatures.Seccomp));
    }

    [Test]
    public void Given_the_worker_Then_its_rlimits_and_privileges_are_as_reported()
    {
        Assert.That(Run.Single("Limits_AreInPlace").Outcome, Is.EqualTo(TestOutcome.Passed), Run.Single("Limits_AreInPlace").Message);
        Assert.That(Run.Single("Privileges_AreGone").Outcome, Is.EqualTo(TestOutcome.Passed), Run.Single("Privileges_AreGone").Message);
        Assert.That(Run.Single("Stdin_EndsAtOnce").Outcome, Is.EqualTo(TestOutcome.Passed), Run.Single("Stdin_EndsAtOnce").Message);
        Assert.That(Run.Single("Proc_RulePathsArePinned").Outcome, Is.EqualTo(Landlock ? TestOutcome.Passed : TestOutcome.Failed),
            Run.Single("Proc_RulePathsArePinned").Message);
        Assert.That(Layer(SandboxLayerNames.ResourceLimits).Active, Is.True, Layer(SandboxLayerNames.ResourceLimits).Detail);
        Assert.That(Layer(SandboxLayerNames.Capabilities).Active, Is.True, Layer(SandboxLayerNames.Capabilities).Detail);
        Assert.That(Layer(SandboxLayerNames.NoNewPrivileges).Active, Is.True, Layer(SandboxLayerNames.NoNewPrivileges).Detail);
    }

    [Test]
    public void Given_a_run_Then_the_report_lists_every_layer_in_order_with_the_landlock_abi()
    {
        Assert.That(Run.Sandbox.Select(l => l.Name), Is.EqualTo(new[]
        {
            SandboxLayerNames.Environment, SandboxLayerNames.RunFolder, SandboxLayerNames.ProcessGroup, SandboxLayerNames.GroupLimits,
            SandboxLayerNames.ResourceLimits, SandboxLayerNames.Capabilities, SandboxLayerNames.NoNewPrivileges,
            SandboxLayerNames.LandlockFilesystem, SandboxLayerNames.LandlockNetwork, SandboxLayerNames.LandlockScope, SandboxLayerNames.Seccomp,
        }));
        Assert.That(Layer(SandboxLayerNames.RunFolder).Active, Is.True, Layer(SandboxLayerNames.RunFolder).Detail);
        Assert.That(Layer(SandboxLayerNames.GroupLimits).Active, Is.True);
        if (Landlock) Assert.That(Layer(SandboxLayerNames.LandlockFilesystem).Detail, Does.StartWith($"ABI {KernelFeatures.LandlockAbi}: "));
        if (KernelFeatures.LandlockAbi is >= 1 and < 4)
            Assert.That(Layer(SandboxLayerNames.LandlockNetwork).Detail, Does.Contain($"ABI {KernelFeatures.LandlockAbi} has no network rules"));
    }
}
