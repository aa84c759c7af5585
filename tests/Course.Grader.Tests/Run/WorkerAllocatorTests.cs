using Course.Grader.Run;
using Course.Grader.Sandbox;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Run;

/// <summary>
/// The worker's malloc (<see cref="WorkerEnvironment.AllocatorTunables"/>) takes a block as large as a batch's activations
/// from the heap, which it keeps and reuses: with glibc's defaults such a block gets a mapping of its own, which free hands
/// back to the kernel, so each step of a training loop or of a forward pass over a batch faulted in fresh zeroed pages, much
/// of `course validate`'s system time. (With the grader's GLIBC_TUNABLES set to glibc.malloc.perturb=0, which the worker
/// then keeps instead, this test fails.) Where the kernel backs memory with transparent huge pages on request (its mode
/// "madvise", as here and on Ubuntu's runners), the heap is so requested: a worker then takes one page fault per 2 MiB instead
/// of 512, for libtorch's own start as for a tensor.
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
            /// <summary>Whether a mapping's address range as /proc writes it (<c>start-end</c>, in hex) holds <paramref name="address"/>.</summary>
            static bool Holds(string range, nint address)
            {
                var bounds = range.Split('-');
                return address >= long.Parse(bounds[0], NumberStyles.HexNumber) && address < long.Parse(bounds[1], NumberStyles.HexNumber);
            }

            /// <summary>Whether <paramref name="address"/> lies in the process's heap, the memory malloc's one arena reuses.</summary>
            static bool InHeap(nint address) =>
                File.ReadAllLines("/proc/self/maps").Where(l => l.EndsWith("[heap]")).Any(l => Holds(l.Split(' ')[0], address));

            /// <summary>The flags of the mapping in /proc/self/smaps that holds <paramref name="address"/>.</summary>
            static string FlagsOfMappingAt(nint address)
            {
                var inIt = false;
                foreach (var line in File.ReadLines("/proc/self/smaps"))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 0 && fields[0].Contains('-') && !fields[0].EndsWith(':')) inIt = Holds(fields[0], address);
                    else if (inIt && line.StartsWith("VmFlags:", StringComparison.Ordinal)) return line["VmFlags:".Length..].Trim();
                }
                return "(no mapping)";
            }

            /// <summary>Runs <paramref name="check"/> on a 30 MiB block from malloc, which libtorch's CPU allocator calls too, with libtorch loaded and used as in a homework's test.</summary>
            static void WithALargeBlock(Action<nint> check)
            {
                using var tensor = torch.ones(4);
                var block = Marshal.AllocHGlobal((nint)(Sizes.Elements * sizeof(float)));
                try
                {
                    check(block);
                }
                finally
                {
                    Marshal.FreeHGlobal(block);
                }
            }

            [Test]
            public void ALargeBlock_ComesFromTheHeap_NotFromAMappingOfItsOwn() => WithALargeBlock(block =>
                Assert.That(InHeap(block), Is.True,
                    $"a 30 MiB block at 0x{block:x}: from the heap if the worker's malloc reuses freed memory (GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES")})"));

            // "hg": the mapping was given madvise(MADV_HUGEPAGE), which glibc gives its heap only when asked to.
            [Test]
            public void ALargeBlock_LiesInMemoryAdvisedForHugePages() => WithALargeBlock(block =>
            {
                var flags = FlagsOfMappingAt(block);
                Assert.That(flags.Split(' '), Does.Contain("hg"),
                    $"the flags of the mapping that holds a 30 MiB block: {flags} (GLIBC_TUNABLES={Environment.GetEnvironmentVariable("GLIBC_TUNABLES")})");
            });
        }
        """;

    static readonly Lazy<Task<RunResult>> Run = new(() =>
        TinyHomework.RunAsync(Homework, Tests, new RunLimits(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), 2048)));

    [Test]
    public async Task Given_a_large_block_in_a_worker_Then_malloc_takes_it_from_the_heap_it_reuses_not_from_a_mapping_that_free_returns_to_the_kernel()
    {
        var result = (await Run.Value).Single("ALargeBlock_ComesFromTheHeap_NotFromAMappingOfItsOwn");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Passed), result.Message);
    }

    /// <summary>The kernel's transparent huge page mode: the bracketed word of its setting, or null without the setting.</summary>
    static string? HugePageMode()
    {
        const string Setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!File.Exists(Setting)) return null;
        var text = File.ReadAllText(Setting);
        int open = text.IndexOf('['), close = text.IndexOf(']');
        return open >= 0 && close > open ? text[(open + 1)..close] : null;
    }

    [Test]
    public async Task Given_a_kernel_that_gives_huge_pages_on_request_When_a_worker_takes_a_large_block_Then_its_heap_asked_for_them()
    {
        // In mode "always" the kernel backs the heap with huge pages unasked and glibc asks for nothing; in "never" it gives none.
        var mode = HugePageMode();
        if (mode != "madvise") Assert.Ignore($"transparent huge pages in mode {mode ?? "(none)"}: glibc's hugetlb setting asks for nothing");

        var result = (await Run.Value).Single("ALargeBlock_LiesInMemoryAdvisedForHugePages");

        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Passed), result.Message);
    }
}
