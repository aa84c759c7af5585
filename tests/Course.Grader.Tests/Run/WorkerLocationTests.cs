using System.Diagnostics;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Run;

public class WorkerLocationTests
{
    [Test]
    public void Given_an_app_in_the_source_tree_When_resolved_Then_the_worker_is_the_worker_projects_output_of_the_same_configuration()
    {
        var worker = WorkerLocation.Resolve(AppContext.BaseDirectory, fromEnvironment: null);

        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/')));
        Assert.That(worker.WorkerPath, Does.EndWith($"grader/Course.Worker/bin/{configuration}/net10.0/Course.Worker.dll"));
        Assert.That(worker.LibraryAssemblies.Select(Path.GetFileName), Is.SupersetOf(new[] { "Course.Testing.dll", "TorchSharp.dll", "nunit.framework.dll" }));
        Assert.That(worker.LibraryAssemblies.Select(Path.GetFileName), Has.None.EqualTo(WorkerLocation.FileName));
    }

    [Test]
    public void Given_no_built_worker_When_resolved_Then_the_error_says_where_it_looked_and_what_to_build()
    {
        var nowhere = Path.Combine(Path.GetTempPath(), "no-worker-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<FileNotFoundException>(() => WorkerLocation.Resolve(nowhere, fromEnvironment: null));

        Assert.That(error!.Message, Does.Contain(Path.Combine(nowhere, "worker", WorkerLocation.FileName)).And.Contain("Build grader/Course.Worker"));
    }

    [Test]
    public void Given_a_worker_whose_TorchSharp_is_precompiled_When_resolved_Then_it_is_refused_saying_why()
    {
        using var app = new TempFolder("course-app-");
        var worker = Directory.CreateDirectory(Path.Combine(app.Path, "worker")).FullName;
        File.WriteAllText(Path.Combine(worker, WorkerLocation.FileName), "");
        // The shared framework's own assemblies are ReadyToRun images, as a publish with PublishReadyToRun makes TorchSharp.
        File.Copy(typeof(object).Assembly.Location, Path.Combine(worker, "TorchSharp.dll"));

        var error = Assert.Throws<InvalidOperationException>(() => WorkerLocation.Resolve(app.Path, fromEnvironment: null));

        Assert.That(error!.Message, Does.Contain("precompiled (ReadyToRun)").And.Contain("unoptimised JIT").And.Contain("build/PublishWorker.targets"));
    }

    [Test]
    public void Given_the_built_worker_Then_its_TorchSharp_is_plain_IL_and_the_frameworks_assemblies_are_precompiled()
    {
        var worker = WorkerLocation.Resolve(AppContext.BaseDirectory, fromEnvironment: null);

        Assert.That(WorkerLocation.IsPrecompiled(Path.Combine(worker.Directory, "TorchSharp.dll")), Is.False);
        Assert.That(WorkerLocation.IsPrecompiled(typeof(object).Assembly.Location), Is.True, "the check must see a ReadyToRun image when there is one");
    }

    [Test]
    public async Task Given_bad_arguments_When_the_worker_starts_Then_it_exits_2_with_its_usage()
    {
        var info = new ProcessStartInfo(WorkerLocation.DotnetHost(), [TinyHomework.Worker.Value.WorkerPath, "run", "--dir"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--dir needs a value").And.Contain("usage: Course.Worker run --dir RUN_FOLDER"));
    }
}
