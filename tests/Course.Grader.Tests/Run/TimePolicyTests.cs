using Course.Grader.Run;

namespace Course.Grader.Tests.Run;

/// <summary>
/// The time policy fed polls of a simulated worker: how much wall time passed, how much CPU time the worker got,
/// and whether it was ready to run. A busy machine is a worker that is always ready to run but gets a small share
/// of a CPU; it is never stopped for the wall time that costs, while a busy loop and a test that sleeps or waits
/// forever are stopped when they have used up the limit.
/// </summary>
public class TimePolicyTests
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(900), 4096);

    /// <summary>Polls until the policy stops the test or <paramref name="cpuNeeded"/> of CPU time is used (the test finishes).</summary>
    static (string? Reason, TimeCharge Charge) Run(TimePolicy policy, double cpuShare, bool? runnable, TimeSpan cpuNeeded, TimeSpan? wallLimit = null)
    {
        var charge = new TimeCharge();
        var maxWall = wallLimit ?? TimeSpan.FromHours(10);
        while (charge.Cpu < cpuNeeded && charge.Wall < maxWall)
        {
            charge.Add(TimeStep.Of(Poll, Poll * cpuShare, () => runnable));
            if (policy.TestTimedOut(charge) is { } reason) return (reason, charge);
        }
        return (null, charge);
    }

    [Test]
    public void Given_a_machine_so_busy_the_test_gets_a_tenth_of_a_CPU_Then_a_test_that_needs_80_s_of_CPU_time_passes_after_800_s()
    {
        var (reason, charge) = Run(new TimePolicy(Limits, threads: 1), cpuShare: 0.1, runnable: true, cpuNeeded: TimeSpan.FromSeconds(80));

        Assert.That(reason, Is.Null);
        Assert.That(charge.Wall.TotalSeconds, Is.EqualTo(800).Within(1), "nine times the limit in wall time");
        Assert.That(charge.Idle, Is.EqualTo(TimeSpan.Zero), "waiting for a CPU is not idle");
    }

    [Test]
    public void Given_a_busy_loop_on_a_busy_machine_Then_it_is_stopped_when_it_has_used_the_limit_in_CPU_time()
    {
        var (reason, charge) = Run(new TimePolicy(Limits, threads: 1), cpuShare: 0.25, runnable: true, cpuNeeded: TimeSpan.MaxValue);

        Assert.That(reason, Is.EqualTo("timed out after 90 s of CPU time"));
        Assert.That(charge.Cpu.TotalSeconds, Is.EqualTo(90).Within(0.1));
        Assert.That(charge.Wall.TotalSeconds, Is.EqualTo(360).Within(1));
    }

    [Test]
    public void Given_a_test_blocked_or_sleeping_forever_Then_it_is_stopped_after_the_limit_without_using_the_CPU()
    {
        var (reason, charge) = Run(new TimePolicy(Limits, threads: 1), cpuShare: 0, runnable: false, cpuNeeded: TimeSpan.MaxValue);

        Assert.That(reason, Is.EqualTo("timed out: blocked or sleeping for 90 s (a deadlock, a wait that never ends, Thread.Sleep?)"));
        Assert.That(charge.Wall.TotalSeconds, Is.EqualTo(90).Within(0.1));
    }

    [Test]
    public void Given_a_test_that_waits_for_a_CPU_most_of_the_time_Then_only_its_idle_polls_count_as_idle()
    {
        var charge = new TimeCharge();
        charge.Add(TimeStep.Of(Poll, Poll / 10, () => true));
        charge.Add(TimeStep.Of(Poll, Poll / 10, () => false));
        charge.Add(TimeStep.Of(Poll, Poll / 10, () => null));

        Assert.That(charge.Idle, Is.EqualTo((Poll - Poll / 10) * 2));
        Assert.That(charge.Cpu, Is.EqualTo(Poll / 10 * 3));
        Assert.That(charge.StatesKnown, Is.False);
    }

    [Test]
    public void Given_a_poll_in_which_the_worker_mostly_ran_Then_its_thread_states_are_not_read_and_it_is_not_idle()
    {
        var step = TimeStep.Of(Poll, Poll / 2, () => throw new AssertionException("thread states read for a busy poll"));

        Assert.That(step.Runnable, Is.True);
    }

    [Test]
    public void Given_a_test_that_sleeps_half_the_time_and_spins_the_other_half_Then_it_is_stopped_within_twice_the_limit()
    {
        var policy = new TimePolicy(Limits, threads: 1);
        var charge = new TimeCharge();
        string? reason = null;
        for (var i = 0; reason is null && i < 100_000; i++)
        {
            charge.Add(TimeStep.Of(Poll, i % 2 == 0 ? Poll : TimeSpan.Zero, () => false));
            reason = policy.TestTimedOut(charge);
        }

        Assert.That(reason, Is.Not.Null);
        Assert.That(charge.Wall.TotalSeconds, Is.LessThanOrEqualTo(180.1));
    }

    [Test]
    public void Given_four_libtorch_threads_Then_a_test_may_use_the_limit_in_CPU_time_on_each()
    {
        var policy = new TimePolicy(Limits, threads: 4);

        var (reason, charge) = Run(policy, cpuShare: 4, runnable: true, cpuNeeded: TimeSpan.MaxValue);

        Assert.That(reason, Is.EqualTo("timed out after 360 s of CPU time (90 s for each of the 4 libtorch threads)"));
        Assert.That(charge.Wall.TotalSeconds, Is.EqualTo(90).Within(0.1));
        Assert.That(charge.Charged(4).TotalSeconds, Is.EqualTo(90).Within(0.1), "the total is charged CPU time per thread");
    }

    [Test]
    public void Given_a_platform_without_thread_states_Then_time_without_the_CPU_is_stopped_at_three_times_the_limit_of_wall_time()
    {
        var policy = new TimePolicy(Limits, threads: 1);

        var (sleeping, charge) = Run(policy, cpuShare: 0, runnable: null, cpuNeeded: TimeSpan.MaxValue);
        var (starved, _) = Run(policy, cpuShare: 0.3, runnable: null, cpuNeeded: TimeSpan.FromSeconds(80));

        Assert.That(sleeping, Is.EqualTo("timed out: no progress for 270 s of wall time (blocked or sleeping?)"));
        Assert.That(charge.Wall.TotalSeconds, Is.EqualTo(270).Within(0.1));
        Assert.That(starved, Is.Null, "a test that gets a third of a CPU still passes there");
    }

    [Test]
    public void Given_a_run_on_a_busy_machine_Then_its_total_counts_charged_time_and_wall_time_only_past_three_times_the_limit()
    {
        Assert.That(TimePolicy.TotalTimedOut(Limits, TimeSpan.FromSeconds(899), TimeSpan.FromSeconds(2699)), Is.Null);
        Assert.That(TimePolicy.TotalTimedOut(Limits, TimeSpan.FromSeconds(900), TimeSpan.FromSeconds(900)),
            Is.EqualTo("the tests ran past the total time limit of 900 s"));
        Assert.That(TimePolicy.TotalTimedOut(Limits, TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(2700)),
            Is.EqualTo("the tests ran past 2700 s of wall time, 3 times the total time limit of 900 s: the machine was too busy to finish them"));
    }

    [Test]
    public void Given_a_run_charged_by_its_polls_Then_a_starved_worker_is_charged_its_CPU_time_and_an_idle_one_its_wall_time()
    {
        var starved = new TimeCharge();
        var idle = new TimeCharge();
        for (var i = 0; i < 200; i++)
        {
            starved.Add(TimeStep.Of(Poll, Poll / 5, () => true));
            idle.Add(TimeStep.Of(Poll, TimeSpan.Zero, () => false));
        }

        Assert.That(starved.Charged(1).TotalSeconds, Is.EqualTo(2).Within(1e-9));
        Assert.That(idle.Charged(1).TotalSeconds, Is.EqualTo(10).Within(1e-9));
    }

    [TestCase(null, 1)]
    [TestCase("1", 1)]
    [TestCase("2", 2)]
    [TestCase("2,1", 2)]
    [TestCase("0", 1)]
    [TestCase("many", 1)]
    [TestCase("100000", -1)]
    public void Given_OMP_NUM_THREADS_Then_the_threads_are_at_least_one_and_at_most_the_processors(string? value, int expected)
    {
        var environment = new Dictionary<string, string?>();
        if (value is not null) environment[TimePolicy.OpenMpThreads] = value;

        Assert.That(TimePolicy.ThreadsOf(environment), Is.EqualTo(expected == -1 ? Environment.ProcessorCount : Math.Min(expected, Environment.ProcessorCount)));
    }
}
