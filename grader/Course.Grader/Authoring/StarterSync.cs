using Course.Grader.Manifest;

namespace Course.Grader.Authoring;

/// <summary>Keeps <c>starter/&lt;id&gt;</c> equal to what <c>reference/&lt;id&gt;</c> generates.</summary>
public sealed class StarterSync(CourseLayout layout)
{
    /// <summary>Compares the committed starter with the generated one; writes nothing.</summary>
    /// <exception cref="StarterGenerationException">A reference file's markers break a rule.</exception>
    public SyncReport Check(string id) => Compare(id).Report;

    /// <summary>Regenerates the starter: writes stale and missing files, deletes extra ones (never bin/ or obj/).</summary>
    /// <exception cref="StarterGenerationException">A reference file's markers break a rule; nothing is written.</exception>
    public SyncReport Apply(string id)
    {
        var (report, generated) = Compare(id);
        var starterDir = layout.StarterDir(id);
        foreach (var path in report.Stale.Concat(report.Missing))
        {
            var target = Full(starterDir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, generated[path]);
        }
        foreach (var path in report.Extra)
        {
            File.Delete(Full(starterDir, path));
            RemoveEmptyFolders(Path.GetDirectoryName(Full(starterDir, path))!, starterDir);
        }
        return report;
    }

    private (SyncReport Report, SortedDictionary<string, byte[]> Generated) Compare(string id)
    {
        var generated = Generate(id);
        var starterDir = layout.StarterDir(id);
        var existing = ProjectFiles.List(starterDir).ToHashSet(StringComparer.Ordinal);
        var stale = generated.Keys
            .Where(existing.Contains)
            .Where(path => !File.ReadAllBytes(Full(starterDir, path)).AsSpan().SequenceEqual(generated[path]))
            .ToList();
        var missing = generated.Keys.Where(path => !existing.Contains(path)).ToList();
        var extra = existing.Where(path => !generated.ContainsKey(path)).ToList();
        return (new SyncReport(id, stale, missing, extra.Order(StringComparer.Ordinal).ToList()), generated);
    }

    private SortedDictionary<string, byte[]> Generate(string id)
    {
        var referenceDir = layout.ReferenceDir(id);
        if (!Directory.Exists(referenceDir))
            throw new ArgumentException($"no reference folder for '{id}' at {referenceDir}", nameof(id));

        var generated = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var errors = new List<MarkerError>();
        foreach (var path in ProjectFiles.List(referenceDir))
        {
            var shownPath = $"{CourseLayout.ReferenceFolder}/{id}/{path}";
            try
            {
                generated[path] = StarterGenerator.GenerateFile(shownPath, File.ReadAllBytes(Full(referenceDir, path)));
            }
            catch (StarterGenerationException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        if (errors.Count > 0)
            throw new StarterGenerationException(errors);
        return generated;
    }

    private static string Full(string directory, string relativePath) =>
        Path.Combine(directory, relativePath.Replace('/', Path.DirectorySeparatorChar));

    private static void RemoveEmptyFolders(string directory, string stopAt)
    {
        var stop = Path.GetFullPath(stopAt);
        for (var dir = Path.GetFullPath(directory); dir != stop && Directory.Exists(dir); dir = Path.GetDirectoryName(dir)!)
        {
            if (Directory.EnumerateFileSystemEntries(dir).Any())
                return;
            Directory.Delete(dir);
        }
    }
}
