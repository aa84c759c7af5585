using System.Diagnostics;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

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
