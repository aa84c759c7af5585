using System.Security.Cryptography;
using System.Text;

namespace Course.Grader.Batch;

/// <summary>
/// What identifies a submission without a commit (a downloaded folder or archive) across reruns: the SHA-256 of
/// its bytes. The same download hashes the same; a changed file gives a new key and so a new grade.
/// </summary>
public static class SubmissionContent
{
    public const string Prefix = "sha256:";

    /// <summary><c>sha256:…</c> of an archive's bytes, or of a folder's files (relative path and bytes, in path order; links and .git left out).</summary>
    public static string Key(string path)
    {
        if (File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            return Prefix + Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        if (!Directory.Exists(path)) throw new FileNotFoundException($"no submission at {path}", path);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, file) in FilesOf(path))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\0"));
            sha.AppendData(File.ReadAllBytes(file));
            sha.AppendData("\0"u8);
        }
        return Prefix + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>A folder's regular files, by relative path with '/' separators, outside .git and never through a link.</summary>
    internal static IEnumerable<(string Name, string Path)> FilesOf(string folder)
    {
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(folder)]);
        var files = new List<(string, string)>();
        while (pending.TryPop(out var dir))
        {
            foreach (var entry in dir.EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null) continue;
                if (entry is DirectoryInfo sub)
                {
                    if (sub.Name != ".git") pending.Push(sub);
                }
                else
                {
                    files.Add((Path.GetRelativePath(folder, entry.FullName).Replace('\\', '/'), entry.FullName));
                }
            }
        }
        return files.OrderBy(f => f.Item1, StringComparer.Ordinal);
    }
}
