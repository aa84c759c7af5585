namespace Course.Grader.Tests.Pipeline;

/// <summary>A fresh folder under the system's temp folder, deleted with everything in it on dispose.</summary>
sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix = "course-test-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
