using Course.Grader.Run;
using Course.Grader.Sandbox;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// The worker's malloc (<see cref="WorkerEnvironment.AllocatorTunables"/>) takes a block as large as a batch's activations
/// from the heap, which it keeps and reuses: with glibc's defaults such a block gets a mapping of its own, which free hands
/// back to the kernel, so each step of a training loop or of a forward pass over a batch faulted in fresh zeroed pages, much
/// of `course validate`'s system time. (With the grader's GLIBC_TUNABLES set to glibc.malloc.perturb=0, which the worker
/// then keeps instead, this test fails.)
/// </summary>
[Platform(Include = "Linux", Reason = "glibc's allocator (libtorch's Linux builds need glibc), and the worker's memory map read from /proc")]
public class WorkerAllocatorTests
{
    const string Homework = """
        namespace Tiny.Homework;

        public static class Sizes
        {
            /// <summary>Floats in 30 MiB: above glibc's default threshold for a mapping of its own (128 KiB), under its largest (32 MiB).</summary>
            public const long Elements = 30L * 1024 * 1024 / sizeof(float);
        }
        """;

    const string Tests = """
        using System;
        using System.Globalization;
        using System.IO;
        using System.Linq;
        using System.Runtime.InteropServices;
        using NUnit.Framework;
        using TorchSharp;
        using Tiny.Homework;

        namespace Tiny.Homework.Tests;

        public class AllocatorTests
        {
            /// <summary>Whether <paramref name="address"/> lies in the process's heap, the memory malloc's one arena reuses.</summary>
            static bool InHeap(nint address) => File.ReadAllLines("/proc/self/maps").Where(l => l.EndsWith("[heap]")).Any(l =>
            {
                var range = l.Split(' ')[0].Split('-');
                return address >= long.Parse(range[0], NumberStyles.HexNumber) && address < long.Parse(range[1], NumberStyles.HexNumber);
            });

            [Test]
            public void ALargeBlock_ComesFromTheHeap_NotFromAMappingOfItsOwn()
            {
                using var tensor = torch.ones(4); // libtorch loaded and used, as in a homework's test
                var block = Marshal.AllocHGlobal((nint)(Sizes.Elements * sizeof(float))); // malloc, which libtorch's CPU allocator calls too
                try
                {
                    Assert.That(InHeap(block), Is.True,
                        $"a 30 MiB block at 0x{block:x}: from the heap if the worker's malloc reuses freed memory (GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES")})");
                }
                finally
                {
                    Marshal.FreeHGlobal(block);
                }
            }
        }
        """;

    [Test]
    public async Task Given_a_large_block_in_a_worker_Then_malloc_takes_it_from_the_heap_it_reuses_not_from_a_mapping_that_free_returns_to_the_kernel()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 2048));

        var result = run.Single("ALargeBlock_ComesFromTheHeap_NotFromAMappingOfItsOwn");
        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Passed), result.Message);
    }
}
