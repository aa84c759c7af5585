using Course.Grader.Run;
using NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using System.Runtime.ExceptionServices;

namespace Course.Worker;

/// <summary>
/// One run of the worker: load every test assembly, announce the test cases each will run, load libtorch if the run uses
/// it (<see cref="Libtorch"/>), then run them one at a time, each on a thread of its own (<see cref="OnThreadOfItsOwn"/>;
/// TorchSharp's dispose scopes are per thread, its state per process): every assembly's tests but the
/// <see cref="WorkerOptions.Later"/> ones, then those.
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
        var loaded = new List<(NUnitTestAssemblyRunner Runner, ITest Root, string Suite)>();
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
            loaded.Add((runner, root, suite));
        }
        Libtorch.LoadIfUsedIn(probe);
        var guard = new ResultExceptionGuard();
        foreach (var filter in passes)
            foreach (var (runner, root, suite) in loaded)
                foreach (var test in TestCaseDescriber.Cases(root, filter).ToList())
                    OnThreadOfItsOwn(() => runner.Run(new StreamingListener(protocol, suite, guard), new OneTest(test.Id)));
        completed = true;
        protocol.Send(new DoneMessage());
        return 0;
    }

    /// <summary>
    /// Runs one test case (its fixture's setup, its body, its teardown) on a managed thread made for it, and waits for it.
    /// State a thread keeps and no rule on homework code can name ends with the test that made it: a red team (stop 62)
    /// carried a value from one test into the next, hidden ones included, in the runtime's per-thread hash-code generator
    /// (each <c>new object().GetHashCode()</c> steps it, and three of them read where it stands), with no field and no
    /// denied call. A new thread's generator is seeded from one that only making a thread advances, which homework code
    /// cannot do; <c>[ThreadStatic]</c> fields and libtorch's per-thread modes start afresh too. (NUnit's own
    /// <c>[RequiresThread]</c> skips every test off Windows, so the worker makes the thread.)
    /// </summary>
    static void OnThreadOfItsOwn(Action run)
    {
        ExceptionDispatchInfo? thrown = null;
        var thread = new Thread(() =>
        {
            try { run(); }
            catch (Exception e) { thrown = ExceptionDispatchInfo.Capture(e); }
        }) { Name = "course-test" };
        thread.Start();
        thread.Join();
        thrown?.Throw();
    }

    /// <summary>The one test case with this NUnit id, and the suites above it.</summary>
    sealed class OneTest(string id) : TestFilter
    {
        public override bool Match(ITest test) => !test.IsSuite && test.Id == id;

        public override TNode AddToXml(TNode parentNode, bool recursive) => parentNode.AddElement("course-one-test", id);
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
