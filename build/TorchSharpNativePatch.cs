// Makes TorchSharp's native glue library load on hosts whose libstdc++ predates GCC 13.
//
// libLibTorchSharp.so from the TorchSharp package needs exactly one symbol of GLIBCXX_3.4.32:
// std::ios_base_library_init(), which GCC 13 added to initialise the standard streams. Older
// libstdc++ (3.4.30 on Debian 12 and Ubuntu 22.04) does that in ios_base::Init::Init(), so on such
// a host we patch the copy in the build output, in place and without tools:
//   1. mark the missing version requirement VER_FLG_WEAK, so the loader only warns about it;
//   2. point the symbol's name in .dynstr at the older constructor (shorter, NUL padded);
//   3. make the symbol's .gnu.version entry global (1), so it binds to any version.
// The NuGet cache is never touched: the file is rewritten through a temporary copy, which also
// breaks any hard link into the cache. This file is compiled by MSBuild's RoslynCodeTaskFactory
// for the build, and into the tests that prove the output loads (with COURSE_ELF_ONLY defined).
#nullable enable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace Course.Build;

// Written for netstandard2.0, which MSBuild's RoslynCodeTaskFactory compiles against: no records, ranges or spans.
public sealed class VersionNeed
{
    public VersionNeed(string file, string version, ushort index, bool weak)
    {
        File = file; Version = version; Index = index; Weak = weak;
    }
    public string File { get; }
    public string Version { get; }
    public ushort Index { get; }
    public bool Weak { get; }
    public override string ToString() => $"{File} {Version}{(Weak ? " (weak)" : "")}";
}

public sealed class ElfPatchException : Exception
{
    public ElfPatchException(string message) : base(message) { }
}

public static class ElfVersionPatch
{
    const uint ShtDynsym = 11, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
    const ushort VerFlgWeak = 2;

    /// <summary>Newer libstdc++ symbols and the older ones that do the same work.</summary>
    public static readonly IReadOnlyDictionary<string, string> StandIns = new Dictionary<string, string>
    {
        ["_ZSt21ios_base_library_initv"] = "_ZNSt8ios_base4InitC1Ev",
    };

    /// <summary>Every version requirement (verneed) of an ELF shared library.</summary>
    public static IReadOnlyList<VersionNeed> ReadVersionNeeds(byte[] elf)
    {
        var image = new ElfImage(elf);
        var result = new List<VersionNeed>();
        foreach (var aux in image.VersionNeeds())
            result.Add(new VersionNeed(aux.File, aux.Name, aux.Index, (aux.Flags & VerFlgWeak) != 0));
        return result;
    }

    /// <summary>The version names an ELF shared library defines (verdef).</summary>
    public static ISet<string> ReadVersionDefinitions(byte[] elf) => new ElfImage(elf).VersionDefinitions();

    /// <summary>Undefined dynamic symbols bound to the given version index.</summary>
    public static IReadOnlyList<string> SymbolsNeedingVersion(byte[] elf, ushort index)
    {
        var image = new ElfImage(elf);
        return image.Symbols().Where(s => s.VersionIndex == index && s.Undefined).Select(s => s.Name).ToList();
    }

    /// <summary>
    /// Requirements that would stop the loader: not weak, and not defined by the host library
    /// that <paramref name="hostVersions"/> resolves (null when the host lacks the file).
    /// </summary>
    public static IReadOnlyList<VersionNeed> UnmetNeeds(byte[] elf, Func<string, ISet<string>?> hostVersions) =>
        ReadVersionNeeds(elf)
            .Where(n => !n.Weak)
            .Where(n => hostVersions(n.File) is ISet<string> defined && !defined.Contains(n.Version))
            .ToList();

    /// <summary>
    /// Patches <paramref name="elf"/> in memory so it loads against the host. Returns what was
    /// changed, empty when nothing needed to be. Throws when a missing version carries a symbol
    /// without a known stand-in, since weakening it would only move the failure to run time.
    /// </summary>
    public static IReadOnlyList<string> Patch(byte[] elf, Func<string, ISet<string>?> hostVersions)
    {
        var image = new ElfImage(elf);
        var changes = new List<string>();
        foreach (var aux in image.VersionNeeds())
        {
            if ((aux.Flags & VerFlgWeak) != 0) continue;
            var defined = hostVersions(aux.File);
            if (defined is null || defined.Contains(aux.Name)) continue;

            var symbols = image.Symbols().Where(s => s.VersionIndex == aux.Index).ToList();
            foreach (var symbol in symbols)
            {
                if (!symbol.Undefined || !StandIns.TryGetValue(symbol.Name, out var standIn))
                    throw new ElfPatchException(
                        $"{symbol.Name} needs {aux.Name} from {aux.File}, which this host lacks, and no stand-in is known. " +
                        "Install a libstdc++ from GCC 13 or newer.");
                image.RenameSymbol(symbol, standIn);
                image.SetVersionIndex(symbol, 1);
                changes.Add($"{symbol.Name}@{aux.Name} -> {standIn}");
            }
            image.SetNeedFlags(aux, (ushort)(aux.Flags | VerFlgWeak));
            changes.Add($"{aux.File} {aux.Name} marked weak");
        }
        return changes;
    }

    /// <summary>Patches a file if needed, writing through a temporary copy.</summary>
    public static IReadOnlyList<string> PatchFile(string path, Func<string, ISet<string>?> hostVersions)
    {
        var bytes = File.ReadAllBytes(path);
        var changes = Patch(bytes, hostVersions);
        if (changes.Count == 0) return changes;
        // Through a copy and an atomic rename: never writes through a hard link into the NuGet cache, and a
        // process loading the library at that moment sees the old file or the new one, never none.
        var stamp = File.GetLastWriteTimeUtc(path);
        var temp = path + ".patching";
        File.Copy(path, temp, overwrite: true); // keeps the file mode
        File.WriteAllBytes(temp, bytes);
        File.Replace(temp, path, null);
        // Same size and time as the package's copy: MSBuild's incremental copy then leaves it alone, and
        // later builds neither recopy nor rewrite a library that running test workers have loaded.
        File.SetLastWriteTimeUtc(path, stamp);
        return changes;
    }

    /// <summary>
    /// Resolves a library the way the dynamic loader would find it on this host (LD_LIBRARY_PATH,
    /// then the ld.so cache, then the usual folders) and reads the versions it defines.
    /// </summary>
    public static Func<string, ISet<string>?> HostVersionLookup(ushort machine)
    {
        var cache = new Dictionary<string, ISet<string>?>();
        return file =>
        {
            if (!cache.TryGetValue(file, out var versions))
            {
                var path = FindHostLibrary(file, machine);
                versions = path is null ? null : ReadVersionDefinitions(File.ReadAllBytes(path));
                cache[file] = versions;
            }
            return versions;
        };
    }

    public static ushort Machine(byte[] elf) => new ElfImage(elf).Machine;

    public static string? FindHostLibrary(string file, ushort machine)
    {
        var dirs = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "")
            .Split(new[] { ':' }, StringSplitOptions.RemoveEmptyEntries).ToList();
        var fromCache = LdCacheEntry(file, machine);
        if (fromCache is not null) dirs.Add(Path.GetDirectoryName(fromCache)!);
        dirs.AddRange(machine == 62
            ? new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" }
            : new[] { "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" });
        return dirs.Select(d => Path.Combine(d, file)).FirstOrDefault(p =>
        {
            if (!File.Exists(p)) return false;
            try { return new ElfImage(File.ReadAllBytes(p)).Machine == machine; }
            catch (ElfPatchException) { return false; }
        });
    }

    static string? LdCacheEntry(string file, ushort machine)
    {
        var abi = machine == 62 ? "x86-64" : "AArch64";
        foreach (var ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig" })
        {
            if (!File.Exists(ldconfig)) continue;
            try
            {
                using var process = Process.Start(new ProcessStartInfo(ldconfig, "-p")
                {
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                })!;
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                foreach (var line in output.Split('\n'))
                {
                    var trimmed = line.Trim();
                    if (!trimmed.StartsWith(file + " ", StringComparison.Ordinal) || !trimmed.Contains(abi)) continue;
                    var arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                    if (arrow >= 0) return trimmed.Substring(arrow + 3);
                }
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
            {
            }
        }
        return null;
    }

    sealed class Section
    {
        public Section(uint type, long offset, long size, uint link, long entrySize)
        {
            Type = type; Offset = offset; Size = size; Link = link; EntrySize = entrySize;
        }
        public uint Type { get; }
        public long Offset { get; }
        public long Size { get; }
        public uint Link { get; }
        public long EntrySize { get; }
    }

    sealed class Aux
    {
        public Aux(string file, string name, ushort index, ushort flags, long offset)
        {
            File = file; Name = name; Index = index; Flags = flags; Offset = offset;
        }
        public string File { get; }
        public string Name { get; }
        public ushort Index { get; }
        public ushort Flags { get; }
        public long Offset { get; }
    }

    sealed class Symbol
    {
        public Symbol(int index, string name, uint nameOffset, bool undefined, ushort versionIndex)
        {
            Index = index; Name = name; NameOffset = nameOffset; Undefined = undefined; VersionIndex = versionIndex;
        }
        public int Index { get; }
        public string Name { get; }
        public uint NameOffset { get; }
        public bool Undefined { get; }
        public ushort VersionIndex { get; }
    }

    /// <summary>A little-endian ELF64 image, read and patched in place.</summary>
    sealed class ElfImage
    {
        readonly byte[] _b;
        readonly List<Section> _sections = new();

        public ElfImage(byte[] bytes)
        {
            _b = bytes;
            if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                throw new ElfPatchException("not an ELF file");
            if (bytes[4] != 2 || bytes[5] != 1)
                throw new ElfPatchException("only little-endian ELF64 is supported");
            Machine = U16(0x12);
            long shoff = (long)U64(0x28);
            int shentsize = U16(0x3A), shnum = U16(0x3C);
            for (int i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                _sections.Add(new Section(U32(h + 4), (long)U64(h + 24), (long)U64(h + 32), U32(h + 40), (long)U64(h + 56)));
            }
        }

        public ushort Machine { get; }

        Section? Find(uint type) => _sections.FirstOrDefault(s => s.Type == type);

        Section Strings(Section owner) => _sections[(int)owner.Link];

        string Str(Section strtab, uint offset)
        {
            long start = strtab.Offset + offset, end = start;
            while (_b[end] != 0) end++;
            return Encoding.ASCII.GetString(_b, (int)start, (int)(end - start));
        }

        public IEnumerable<Aux> VersionNeeds()
        {
            var verneed = Find(ShtVerneed);
            if (verneed is null) yield break;
            var strtab = Strings(verneed);
            long need = verneed.Offset;
            while (true)
            {
                ushort count = U16(need + 2);
                string file = Str(strtab, U32(need + 4));
                long aux = need + U32(need + 8);
                for (int i = 0; i < count; i++)
                {
                    yield return new Aux(file, Str(strtab, U32(aux + 8)), U16(aux + 6), U16(aux + 4), aux);
                    aux += U32(aux + 12);
                }
                uint next = U32(need + 12);
                if (next == 0) yield break;
                need += next;
            }
        }

        public ISet<string> VersionDefinitions()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var verdef = Find(ShtVerdef);
            if (verdef is null) return names;
            var strtab = Strings(verdef);
            long def = verdef.Offset;
            while (true)
            {
                names.Add(Str(strtab, U32(def + U32(def + 12))));
                uint next = U32(def + 16);
                if (next == 0) return names;
                def += next;
            }
        }

        public IEnumerable<Symbol> Symbols()
        {
            var dynsym = Find(ShtDynsym) ?? throw new ElfPatchException("no .dynsym section");
            var versym = Find(ShtVersym);
            var strtab = Strings(dynsym);
            long count = dynsym.Size / dynsym.EntrySize;
            for (int i = 0; i < count; i++)
            {
                long s = dynsym.Offset + i * dynsym.EntrySize;
                uint nameOffset = U32(s);
                ushort version = versym is null ? (ushort)1 : (ushort)(U16(versym.Offset + 2L * i) & 0x7fff);
                yield return new Symbol(i, Str(strtab, nameOffset), nameOffset, U16(s + 6) == 0, version);
            }
        }

        public void RenameSymbol(Symbol symbol, string newName)
        {
            if (newName.Length > symbol.Name.Length)
                throw new ElfPatchException($"stand-in {newName} is longer than {symbol.Name}");
            var dynsym = Find(ShtDynsym)!;
            uint start = symbol.NameOffset, end = start + (uint)symbol.Name.Length;
            bool shared = Symbols().Any(s => s.Index != symbol.Index && s.NameOffset > start && s.NameOffset < end);
            if (shared)
                throw new ElfPatchException($"the name of {symbol.Name} is shared with another string; refusing to rewrite it");
            long at = Strings(dynsym).Offset + start;
            var bytes = Encoding.ASCII.GetBytes(newName);
            Array.Clear(_b, (int)at, symbol.Name.Length);
            Array.Copy(bytes, 0, _b, at, bytes.Length);
        }

        public void SetVersionIndex(Symbol symbol, ushort index)
        {
            var versym = Find(ShtVersym) ?? throw new ElfPatchException("no .gnu.version section");
            W16(versym.Offset + 2L * symbol.Index, index);
        }

        public void SetNeedFlags(Aux aux, ushort flags) => W16(aux.Offset + 4, flags);

        ushort U16(long o) => BitConverter.ToUInt16(_b, (int)o);
        uint U32(long o) => BitConverter.ToUInt32(_b, (int)o);
        ulong U64(long o) => BitConverter.ToUInt64(_b, (int)o);
        void W16(long o, ushort v)
        {
            _b[o] = (byte)(v & 0xff);
            _b[o + 1] = (byte)(v >> 8);
        }
    }
}

#if !COURSE_ELF_ONLY
/// <summary>MSBuild task: patches the native glue libraries found in the given files.</summary>
public sealed class PatchTorchSharpNatives : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            var path = item.ItemSpec;
            if (!File.Exists(path)) continue;
            try
            {
                var lookup = ElfVersionPatch.HostVersionLookup(ElfVersionPatch.Machine(File.ReadAllBytes(path)));
                foreach (var change in ElfVersionPatch.PatchFile(path, lookup))
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"{path}: {change}");
            }
            catch (ElfPatchException e)
            {
                Log.LogError($"{path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
