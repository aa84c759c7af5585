using Course.Build;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

/// <summary>
/// TorchSharp must load from this project's own build output, on hosts with an old libstdc++ as well as
/// new ones, without TorchSharp's fallback that copies natives from the NuGet cache.
/// </summary>
[NonParallelizable]
public class NativeLibraryLoadTests
{
    static string GlueLibrary => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    [Test]
    public void GivenTheBuildOutput_WhenItsGlueLibraryIsChecked_ThenEveryVersionItNeedsIsDefinedOnThisHost()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("only Linux builds carry the ELF glue library");
        Assert.That(File.Exists(GlueLibrary), Is.True, $"{GlueLibrary} is missing from the build output");

        var elf = File.ReadAllBytes(GlueLibrary);
        var host = ElfVersionPatch.HostVersionLookup(ElfVersionPatch.Machine(elf));
        Assert.That(host("libstdc++.so.6"), Is.Not.Null, "libstdc++.so.6 was not found on this host");

        var unmet = ElfVersionPatch.UnmetNeeds(elf, host);
        Assert.That(unmet, Is.Empty, "the loader would refuse " + string.Join(", ", unmet));

        // A weakened requirement is only safe when no symbol still binds to it.
        foreach (var need in ElfVersionPatch.ReadVersionNeeds(elf).Where(n => n.Weak))
            Assert.That(ElfVersionPatch.SymbolsNeedingVersion(elf, need.Index), Is.Empty,
                $"symbols still bound to the weakened {need.Version}");
    }

    [Test]
    public void GivenTorchSharp_WhenAnOpWithAutogradRuns_ThenTheGradientIsRightAndTheGlueCameFromTheBuildOutput()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, -2.0, 3.0 }, requires_grad: true);
        var y = (x * x * x).sum();
        y.backward();
        Assert.That(x.grad!.data<double>().ToArray(), Is.EqualTo(new[] { 3.0, 12.0, 27.0 }).Within(1e-12));

        if (!OperatingSystem.IsLinux()) return;
        var mapped = File.ReadAllLines("/proc/self/maps").Where(l => l.EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal))
            .Select(l => l[l.IndexOf('/')..]).Distinct().ToList();
        Assert.That(mapped, Is.EqualTo(new[] { GlueLibrary }), "libLibTorchSharp.so was loaded from somewhere else");
        Assert.That(Directory.Exists(Path.Combine(AppContext.BaseDirectory, "cpu")), Is.False,
            "TorchSharp's fallback copied the natives from the NuGet cache: the first load failed");
    }

    [Test]
    public void GivenAnUnpatchedGlueLibrary_WhenPatchedForAHostWithoutGlibcxx3_4_32_ThenNothingUnmetRemains()
    {
        var elf = File.ReadAllBytes(OriginalGlueLibrary());
        var oldHost = OldLibstdcxx();

        Assert.That(ElfVersionPatch.UnmetNeeds(elf, oldHost).Select(n => n.Version), Is.EqualTo(new[] { "GLIBCXX_3.4.32" }));
        var changes = ElfVersionPatch.Patch(elf, oldHost);

        Assert.That(changes, Has.Some.Contains("_ZNSt8ios_base4InitC1Ev"));
        Assert.That(ElfVersionPatch.UnmetNeeds(elf, oldHost), Is.Empty);
        Assert.That(ElfVersionPatch.Patch(elf, oldHost), Is.Empty, "patching twice must change nothing");
    }

    [Test]
    public void GivenAHostWithGlibcxx3_4_32_WhenPatching_ThenTheLibraryIsLeftAlone()
    {
        var elf = File.ReadAllBytes(OriginalGlueLibrary());
        var before = (byte[])elf.Clone();
        var newHost = OldLibstdcxx(extra: "GLIBCXX_3.4.32");

        Assert.That(ElfVersionPatch.Patch(elf, newHost), Is.Empty);
        Assert.That(elf, Is.EqualTo(before));
    }

    static Func<string, ISet<string>?> OldLibstdcxx(string? extra = null)
    {
        // What GCC 12's libstdc++ defines (GLIBCXX_3.4.30, CXXABI_1.3.13), as on Debian 12.
        var versions = new HashSet<string> { "GLIBCXX_3.4", "CXXABI_1.3" };
        for (int minor = 1; minor <= 30; minor++) versions.Add($"GLIBCXX_3.4.{minor}");
        for (int minor = 1; minor <= 13; minor++) versions.Add($"CXXABI_1.3.{minor}");
        if (extra is not null) versions.Add(extra);
        return file => file == "libstdc++.so.6" ? versions : null;
    }

    /// <summary>The unpatched library, as the TorchSharp package ships it (read only).</summary>
    static string OriginalGlueLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.That(File.Exists(path), Is.True, $"the TorchSharp package's {path} is missing: was the project restored?");
        return path;
    }
}
