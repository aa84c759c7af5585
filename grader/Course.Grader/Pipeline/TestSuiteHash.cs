using System.Security.Cryptography;
using System.Text;
using Course.Grader.Authoring;

namespace Course.Grader.Pipeline;

/// <summary>
/// SHA-256 over everything a grade depends on besides the submission: the manifest, the starter project, the
/// public and hidden tests and their goldens (with the public goldens' hidden replays), and the given libraries' folders. Two grades with the same hash used the same tests.
/// </summary>
public static class TestSuiteHash
{
    public static string Of(HomeworkSuites suites, bool includeHidden)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var layout = suites.Layout;
        var folders = new List<string> { suites.StarterProject, suites.PublicTests };
        if (includeHidden && Directory.Exists(suites.HiddenTests)) folders.Add(suites.HiddenTests);
        if (includeHidden && Directory.Exists(suites.PublicGoldenReplays)) folders.Add(suites.PublicGoldenReplays);
        folders.AddRange(suites.GivenLibraryProjects().Select(library => library.Folder));
        var files = folders.SelectMany(dir => ProjectFiles.List(dir).Select(f => Path.Combine(dir, f)))
            .Append(layout.ManifestPath(suites.Manifest.Id))
            .Select(f => (Name: Path.GetRelativePath(layout.Root, f).Replace('\\', '/'), Path: f))
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, path) in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            sha.AppendData(File.ReadAllBytes(path));
            sha.AppendData("\0"u8);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
