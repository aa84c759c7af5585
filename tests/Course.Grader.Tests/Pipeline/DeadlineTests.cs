using System.Diagnostics;
using Course.Grader.Pipeline;
using NUnit.Framework;

namespace Course.Grader.Tests.Pipeline;

/// <summary>
/// The limit on compiling and checking a submission (<see cref="Deadline"/>): work that watches its token stops at the limit,
/// work that does not is left behind after the grace period, and either way the grade goes on.
/// </summary>
public class DeadlineTests
{
    static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(200), Grace = TimeSpan.FromMilliseconds(300);

    [Test]
    public void Given_work_that_ends_in_time_When_run_Then_its_result_comes_back()
    {
        Assert.That(Deadline.Run(_ => "done", Limit, CancellationToken.None, Grace), Is.EqualTo("done"));
    }

    [Test]
    public void Given_work_that_watches_its_token_When_it_runs_past_the_limit_Then_it_is_stopped_there()
    {
        var clock = Stopwatch.StartNew();
        var result = Deadline.Run(token =>
        {
            Task.Delay(Timeout.Infinite, token).GetAwaiter().GetResult();
            return "never";
        }, Limit, CancellationToken.None, grace: TimeSpan.FromMinutes(1));

        Assert.That(result, Is.Null);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "stopped at the limit, not left for the minute of grace");
    }

    [Test]
    public void Given_work_that_never_looks_at_its_token_When_it_runs_past_the_limit_and_the_grace_Then_the_grade_stops_waiting_for_it()
    {
        var release = new TaskCompletionSource();
        var before = Deadline.Abandoned;
        var clock = Stopwatch.StartNew();
        var result = Deadline.Run(_ =>
        {
            release.Task.Wait();
            return "late";
        }, Limit, CancellationToken.None, Grace);
        var waited = clock.Elapsed;
        var whileRunning = Deadline.Abandoned;
        release.SetResult();

        Assert.That(result, Is.Null);
        Assert.That(waited, Is.GreaterThanOrEqualTo(Limit + Grace - TimeSpan.FromMilliseconds(20)), "waited the limit and the grace");
        Assert.That(whileRunning, Is.EqualTo(before + 1), "counted as abandoned while it runs on");
        Assert.That(() => Deadline.Abandoned, Is.EqualTo(before).After(5000, 20), "and no longer once it ends");
    }

    [Test]
    public void Given_work_that_fails_When_run_Then_its_own_exception_comes_out()
    {
        Assert.That(() => Deadline.Run<string>(_ => throw new InvalidDataException("broken"), Limit, CancellationToken.None, Grace),
            Throws.TypeOf<InvalidDataException>().With.Message.EqualTo("broken"));
    }

    [Test]
    public void Given_a_cancelled_grade_When_run_Then_it_is_a_cancellation_not_a_timeout()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(() => Deadline.Run(token =>
        {
            token.ThrowIfCancellationRequested();
            return "never";
        }, Limit, cancelled.Token, Grace), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Given_no_time_left_When_run_Then_the_work_is_stopped_at_once()
    {
        Assert.That(Deadline.Run(token =>
        {
            Task.Delay(Timeout.Infinite, token).GetAwaiter().GetResult();
            return "never";
        }, -TimeSpan.FromSeconds(5), CancellationToken.None, Grace), Is.Null);
    }
}
