using Course.Grader.Sandbox;
using Course.Grader.Scratch;

namespace Course.Grader.Run;

/// <summary>
/// Test workers started ahead of their runs. For <c>course validate</c>, kept warm between runs: a worker that completed a
/// run takes the next one with the .NET runtime and libtorch already loaded, which a fresh worker spends about a second of
/// CPU on (most of a short run). Each run still loads its code into an assembly context of its own, lies in a private
/// folder of its own and is watched, limited and charged as a run of its own; but runs take turns in one process, so what
/// a run leaves behind (libtorch's global state, a thread it started, files in its worker's scratch folder until the
/// folder is emptied after it) can reach a later run. So only the TA's code (the reference, its stubs, its variants) shares
/// a pool. A student's grade has a pool of its own (<see cref="ForOneGradeAsync"/>), whose worker starts while the
/// submission compiles and which serves that grade's run alone; a batch starts each grade's worker for its run.
/// </summary>
/// <remarks>
/// A worker goes back to the pool only when its run completed; one that ended any other way (a crash, a limit) is
/// stopped, and so is one holding more than half the run's memory limit after its run. A grade's own pool stops its
/// worker as soon as the run completes: no other run will come, and code the run left going (a thread) would otherwise
/// go on, with nothing watching its memory, while the grade is scored. Disposing the pool stops every idle worker and
/// deletes its folders.
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    readonly WorkerLocation worker;
    /// <summary>Whether a worker whose run completed waits for the next run; false for a grade's own pool.</summary>
    readonly bool keepsWorkers;
    readonly Lock gate = new();
    readonly Stack<WorkerProcess> idle = new();
    /// <summary>Each live worker's scratch folder (its home, temporary and working folder, the only one it may write).</summary>
    readonly Dictionary<WorkerProcess, string> scratchOf = [];
    /// <summary>The pool's folder, held for the pool's lifetime (a pool whose process dies is swept by a later one).</summary>
    readonly ScratchFolder root;
    int folders;
    bool disposed;

    public WorkerPool(WorkerLocation worker) : this(worker, keepsWorkers: true)
    {
    }

    WorkerPool(WorkerLocation worker, bool keepsWorkers)
    {
        this.worker = worker;
        this.keepsWorkers = keepsWorkers;
        root = PrivateFolder.CreateTemporary();
    }

    /// <summary>
    /// A pool for one grade: one worker starts now, so that the runtime and libtorch load while the submission compiles
    /// (most of a second of the grade's wall time where a core is idle), and the grade's run takes it, as it takes a worker
    /// started after a test took the first one down. Nothing but that grade's code ever runs in its workers.
    /// </summary>
    public static async Task<WorkerPool> ForOneGradeAsync(WorkerLocation worker)
    {
        var pool = new WorkerPool(worker, keepsWorkers: false);
        WorkerProcess started;
        try
        {
            // Until its run leases it, what it writes to stderr (nothing, if it starts well) goes nowhere: a worker that
            // died meanwhile is replaced by one whose stderr the run's attempt reads.
            started = await pool.StartWorkerAsync(new StderrTail());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            // No head start: a submission that never reaches its tests is graded as before, and the run, starting a worker
            // of its own, meets the same failure where a grade always has.
            return pool;
        }
        lock (pool.gate) pool.idle.Push(started);
        return pool;
    }

    /// <summary>The private folder every run folder of the pool lies in; the pool's workers may read all of it.</summary>
    internal string Root => root.Path;

    /// <summary>How many workers the pool has started.</summary>
    public int Started { get; private set; }

    /// <summary>A new private folder under <see cref="Root"/>.</summary>
    internal string NewFolder(string kind) => PrivateFolder.CreateOwnerOnly(Path.Combine(Root, $"{kind}-{Interlocked.Increment(ref folders)}"));

    /// <summary>A worker running <paramref name="command"/>, its stderr going to <paramref name="stderr"/>: an idle one, or else a new one.</summary>
    internal async Task<WorkerProcess> LeaseAsync(RunCommand command, StderrTail stderr)
    {
        var line = WorkerProtocol.FormatCommand(command);
        while (Take() is { } warm)
        {
            warm.ReadStderrInto(stderr);
            if (!warm.Process.HasExited && await warm.SendAsync(line)) return warm;
            Retire(warm);
        }
        var started = await StartWorkerAsync(stderr);
        // A worker that died at once is seen as such by the attempt watching it.
        await started.SendAsync(line);
        return started;
    }

    /// <summary>A new serving worker with a scratch folder of its own, counted in <see cref="Started"/>.</summary>
    async Task<WorkerProcess> StartWorkerAsync(StderrTail stderr)
    {
        var scratch = NewFolder("scratch");
        var started = await WorkerProcess.StartAsync(WorkerCommand.ServeInfo(worker, Root, scratch), stderr);
        lock (gate)
        {
            scratchOf[started] = scratch;
            Started++;
        }
        return started;
    }

    /// <summary>Takes back a worker whose run completed: idle for the next run, or stopped (see the remarks).</summary>
    internal void Return(WorkerProcess process, RunLimits limits)
    {
        process.MarkServed();
        var keep = keepsWorkers && !process.Process.HasExited && process.Group.Measure().ResidentBytes <= limits.MemoryMb * 1024L * 1024 / 2;
        if (keep && ScratchOf(process) is { } scratch) keep = Empty(scratch);
        lock (gate)
        {
            if (keep && !disposed)
            {
                idle.Push(process);
                return;
            }
        }
        Retire(process);
    }

    /// <summary>Lets go of a worker whose run did not complete, which its attempt has stopped.</summary>
    internal void Forget(WorkerProcess process)
    {
        lock (gate) scratchOf.Remove(process);
    }

    public void Dispose()
    {
        List<WorkerProcess> stopping;
        lock (gate)
        {
            disposed = true;
            stopping = [.. idle];
            idle.Clear();
        }
        foreach (var process in stopping) Retire(process);
        // A folder that cannot be deleted is left, unlocked, for a later sweep.
        root.Dispose();
    }

    WorkerProcess? Take()
    {
        lock (gate) return idle.TryPop(out var warm) ? warm : null;
    }

    string? ScratchOf(WorkerProcess process)
    {
        lock (gate) return scratchOf.GetValueOrDefault(process);
    }

    void Retire(WorkerProcess process)
    {
        Forget(process);
        process.Group.KillAll();
        process.Process.WaitForExit(TimeSpan.FromSeconds(10));
        process.Dispose();
    }

    /// <summary>Empties a worker's scratch folder between runs; false when something in it cannot be deleted.</summary>
    static bool Empty(string scratch)
    {
        try
        {
            foreach (var entry in new DirectoryInfo(scratch).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo { LinkTarget: null } folder) folder.Delete(recursive: true);
                else entry.Delete();
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
