using Course.Grader.Run;
using Course.Worker.Sandbox;

namespace Course.Worker;

/// <summary>
/// <c>Course.Worker serve</c>: one process that runs one run folder after another, each on the grader's
/// <see cref="RunCommand"/>, so that the runtime's two starts and libtorch's load (most of a short run) are paid once.
/// Each run loads its assemblies into a context of its own (<see cref="RunAssemblyLoadContext"/>), so runs of
/// different versions of a homework never see each other's code; what a run leaves in the process (libtorch's global
/// state, a thread it started) reaches the runs after it, which is why only <c>course validate</c>, whose runs are all
/// the TA's own code, serves runs this way, and every student's grade gets a worker of its own.
/// </summary>
static class WorkerServer
{
    /// <returns>The process exit code, once the grader has no more runs for it (it closes stdin, which ends the process).</returns>
    public static int Serve(WorkerOptions options, ProtocolWriter protocol, Action<WorkerRun> starting)
    {
        // Loaded now, while the grader compiles the code of the first run.
        Libtorch.Load();
        foreach (var line in Lifeline.Commands())
        {
            WorkerOptions runOptions;
            try
            {
                runOptions = options.For(WorkerProtocol.ParseCommand(line) ?? throw new FormatException("not a run command"));
            }
            catch (FormatException e)
            {
                protocol.Send(new FatalMessage($"the grader sent a run this worker cannot serve: {e.Message}"));
                return 2;
            }
            var run = new WorkerRun(runOptions, protocol);
            starting(run);
            // A run that could not load its assemblies said so (a fatal message); the grader stops this worker.
            if (run.Run() != 0) return 1;
        }
        return 0;
    }
}
