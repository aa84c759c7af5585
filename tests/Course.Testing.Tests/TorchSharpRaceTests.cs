using NUnit.Framework;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>
/// TorchSharp's finalizer race (build/TorchTests.runsettings): <c>a + b</c> creates a Scalar alpha whose native handle
/// libtorch reads after the Scalar's last managed use. With optimised JIT code and another thread allocating, a garbage
/// collection mid-call frees it, and the add fails with c10's "Expected false to be true" within a few hundred calls
/// (measured on 2 cores: 200-550 calls, 20 000 with ReadyToRun off). This test host runs with unoptimised JIT code, so
/// 10 000 calls under the same pressure must all succeed.
/// </summary>
[NonParallelizable]
public class TorchSharpRaceTests
{
    [Test]
    public void Given_another_thread_allocating_Then_tensor_arithmetic_never_reads_a_freed_scalar()
    {
        Assert.That(Environment.GetEnvironmentVariable("DOTNET_JITMinOpts"), Is.EqualTo("1"), "the test host runs without build/TorchTests.runsettings");
        using var scope = NewDisposeScope();
        var (a, b) = (randn(64, 16, 128), randn(64, 16, 128));
        var stop = false;
        var churn = new Thread(() =>
        {
            var garbage = new List<byte[]>();
            while (!Volatile.Read(ref stop))
            {
                garbage.Add(new byte[1024]);
                if (garbage.Count > 1000) garbage.Clear();
            }
        })
        { IsBackground = true };
        churn.Start();
        try
        {
            for (var i = 0; i < 5_000; i++)
            {
                using var inner = NewDisposeScope();
                _ = a + b;
                _ = a * 2;
            }
        }
        finally
        {
            Volatile.Write(ref stop, true);
            churn.Join();
        }
    }
}
