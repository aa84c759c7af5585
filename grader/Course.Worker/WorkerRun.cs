using Course.Grader.Run;
using NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;

namespace Course.Worker;

/// <summary>
/// One run of the worker: load every test assembly, announce the test cases each will run, load libtorch if the run uses
/// it (<see cref="Libtorch"/>), then run them one at a time on the main thread (TorchSharp's dispose scopes are per thread,
/// its state per process): every assembly's tests but the <see cref="WorkerOptions.Later"/> ones, then those.
/// </summary>
sealed class WorkerRun(WorkerOptions options, ProtocolWriter protocol)
{
    /// <summary>Fixed so that generated test names ([Random], [Values] ranges) match across restarts.</summary>
    const int RandomSeed = 20241;

    volatile bool completed;

    /// <summary>True once every assembly ran; an exit before that was caused by a test.</summary>
    public bool Completed => completed;

    /// <returns>The process exit code: 0 when every assembly ran, whatever the outcomes.</returns>
    public int Run()
    {
        var paths = options.Assemblies.Select(a => Path.GetFullPath(Path.Combine(options.RunDirectory, a))).ToList();
        var probe = paths.Select(p => Path.GetDirectoryName(p)!).Append(options.RunDirectory).Distinct().ToList();
        var context = new RunAssemblyLoadContext(probe);
        SkipFilter[] passes = options.Later.Count == 0
            ? [new SkipFilter(options.Skip, options.Only)]
            : [new SkipFilter(options.Skip, options.Only, options.Later, deferred: false), new SkipFilter(options.Skip, options.Only, options.Later, deferred: true)];
        var loaded = new List<(NUnitTestAssemblyRunner Runner, string Suite)>();
        foreach (var path in paths)
        {
            NUnitTestAssemblyRunner runner;
            ITest root;
            string suite;
            try
            {
                var assembly = context.LoadFromAssemblyPath(path);
                suite = assembly.GetName().Name ?? Path.GetFileNameWithoutExtension(path);
                runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
                root = runner.Load(assembly, Settings());
            }
            catch (Exception e)
            {
                protocol.Send(new FatalMessage($"could not load the test assembly {Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}"));
                return 1;
            }
            if (root.RunState == RunState.NotRunnable)
            {
                var reason = root.Properties.Get("_SKIPREASON") as string ?? "NUnit cannot run it";
                protocol.Send(new FatalMessage($"the test assembly {suite} is not runnable: {reason}"));
                return 1;
            }
            var plan = passes.SelectMany(filter => TestCaseDescriber.Cases(root, filter)).Select(t => TestCaseDescriber.Describe(t, suite)).ToList();
            protocol.Send(new PlanMessage(plan));
            loaded.Add((runner, suite));
        }
        Libtorch.LoadIfUsedIn(probe);
        var guard = new ResultExceptionGuard();
        foreach (var filter in passes)
            foreach (var (runner, suite) in loaded)
                runner.Run(new StreamingListener(protocol, suite, guard), filter);
        completed = true;
        protocol.Send(new DoneMessage());
        return 0;
    }

    Dictionary<string, object> Settings() => new()
    {
        [FrameworkPackageSettings.NumberOfTestWorkers] = 0,
        [FrameworkPackageSettings.RunOnMainThread] = true,
        [FrameworkPackageSettings.SynchronousEvents] = true,
        [FrameworkPackageSettings.RandomSeed] = RandomSeed,
        [FrameworkPackageSettings.WorkDirectory] = options.ScratchDirectory,
    };
}
