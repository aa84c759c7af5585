using Course.Grader.Manifest;

namespace Course.Grader.Tests.Authoring;

/// <summary>A throwaway course repo on disk: Course.sln plus whatever files a test writes.</summary>
internal sealed class TempCourseRepo : IDisposable
{
    public TempCourseRepo()
    {
        Root = Directory.CreateTempSubdirectory("course-repo-").FullName;
        File.WriteAllText(Path.Combine(Root, CourseLayout.SolutionFileName), "");
    }

    public string Root { get; }

    public CourseLayout Layout => new(Root);

    /// <summary>Writes a file at a repo-relative path with '/' separators, creating its folders.</summary>
    public TempCourseRepo Write(string relativePath, string content)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return this;
    }

    public string Read(string relativePath) => File.ReadAllText(PathOf(relativePath));

    public bool Exists(string relativePath) => File.Exists(PathOf(relativePath));

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
