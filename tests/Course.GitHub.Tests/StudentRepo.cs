using System.Globalization;
using Course.GitHub.Tests.Fake;

namespace Course.GitHub.Tests;

/// <summary>A student's git repository on disk, with commits at chosen times (author and committer dates alike).</summary>
public sealed class StudentRepo
{
    StudentRepo(string path) => Path = path;

    public string Path { get; }

    public static StudentRepo Open(string path) => new(path);

    public static StudentRepo Init(string path)
    {
        Directory.CreateDirectory(path);
        Git.Run(path, "init", "--quiet", "--initial-branch=main");
        return new StudentRepo(path);
    }

    /// <summary>Writes <paramref name="files"/> (relative path → text) and commits everything, dated <paramref name="at"/>.</summary>
    /// <returns>The new commit's full id.</returns>
    public string Commit(string message, DateTimeOffset at, IReadOnlyDictionary<string, string> files)
    {
        foreach (var (relative, text) in files)
        {
            var full = System.IO.Path.Combine(Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        var date = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string> { ["GIT_AUTHOR_DATE"] = date, ["GIT_COMMITTER_DATE"] = date };
        Git.Run(Path, environment, "add", "--all");
        Git.Run(Path, environment, "-c", "user.name=Student", "-c", "user.email=student@example.com", "-c", "commit.gpgsign=false",
            "commit", "--quiet", "--allow-empty", "-m", message);
        return Head;
    }

    public string Head => Git.Run(Path, "rev-parse", "HEAD").Trim();

    public string Run(params string[] args) => Git.Run(Path, args);
}
