namespace Course.Grader.Pipeline;

/// <summary>
/// Work on the student's code that the grade must not wait for past a time limit: compiling it, and checking it. Roslyn
/// looks at its cancellation token only between steps, and one step can take exponentially long: binding nested lambdas
/// (<see cref="Compile.LambdaNesting"/> refuses those up front) or a generic call nested in generic calls, whose inferred
/// type multiplies at each level (<see cref="Analyze.TypeSize"/>). So the work is stopped at the limit where it can be, and
/// abandoned after a grace period where it cannot: the grade ends either way, and the abandoned thread goes on until its
/// step ends or the process exits.
/// </summary>
public static class Deadline
{
    /// <summary>How long past its limit a stopped piece of work may go on before the grade stops waiting for it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    static int abandoned;

    /// <summary>
    /// How many pieces of work this process stopped waiting for are still running. Each holds a thread, a core and its
    /// memory until its step ends, which can be hours away: a process that grades one submission after another
    /// (<c>course batch</c>) sheds them by starting afresh (<see cref="Batch.BatchRequest.StopWhenWorkIsAbandoned"/>).
    /// </summary>
    public static int Abandoned => Volatile.Read(ref abandoned);

    /// <summary>What <paramref name="work"/> returned, or null when it did not end within <paramref name="limit"/> (plus <paramref name="grace"/>, default <see cref="Grace"/>).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static T? Run<T>(Func<CancellationToken, T> work, TimeSpan limit, CancellationToken cancellationToken, TimeSpan? grace = null) where T : class
    {
        if (limit < TimeSpan.Zero) limit = TimeSpan.Zero;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var working = Task.Factory.StartNew(() => work(deadline.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        working.ContinueWith(_ => deadline.Dispose(), TaskScheduler.Default);
        try
        {
            if (!working.Wait(limit + (grace ?? Grace), cancellationToken))
            {
                Interlocked.Increment(ref abandoned);
                working.ContinueWith(_ => Interlocked.Decrement(ref abandoned), TaskScheduler.Default);
                return null;
            }
        }
        catch (AggregateException) { }
        if (working.Exception?.InnerException is OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
        // The work's own exception as it was thrown, not wrapped.
        return working.GetAwaiter().GetResult();
    }
}
