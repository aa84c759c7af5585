using System.Runtime.InteropServices;

namespace Course.Grader.Tests.Workspace;

/// <summary>What a hostile student puts in a submission that .NET alone cannot make: named pipes.</summary>
static class SpecialFiles
{
    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    static extern int MkFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);

    /// <summary>A named pipe at <paramref name="path"/>: opening it for reading blocks until someone writes.</summary>
    public static string NamedPipe(string path)
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("named pipes in the file system are a Unix thing");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Assert.That(MkFifo(path, Convert.ToUInt32("644", 8)), Is.Zero, () => $"mkfifo {path}: errno {Marshal.GetLastPInvokeError()}");
        return path;
    }

    /// <summary>
    /// <paramref name="work"/> run on another thread, failed after <paramref name="seconds"/> instead of hanging the test
    /// run: what would hang is a read blocked on a named pipe, which no cancellation reaches.
    /// </summary>
    public static async Task<T> Within<T>(double seconds, Func<T> work)
    {
        var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"did not finish within {seconds} s (blocked on a named pipe or walking the disk?)");
            throw;
        }
    }
}
