using System.Collections;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Course.Grader.Sandbox;

/// <summary>
/// Replaces this process's image with a new start of the same app (same pid, process group and standard streams), which
/// ends every thread the process has. The worker re-executes itself this way inside its sandbox, and <c>course batch</c>
/// to shed a compile that ignored its time limit. Linux and macOS; the worker links this file.
/// </summary>
public static class ProcessImage
{
    /// <param name="app">The app's own assembly: started as <c>dotnet app.dll</c>, the host needs it again.</param>
    /// <returns>Only when the image could not be replaced: the program and the errno, for a message.</returns>
    public static string Replace(Assembly app, IEnumerable<string> arguments)
    {
        var host = Environment.ProcessPath ?? "/proc/self/exe";
        List<string> argv = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, app.Location] : [host];
        argv.AddRange(arguments);
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().Select(e => $"{e.Key}={e.Value}");
        execve(host, ToNative(argv), ToNative(environment));
        // Read here, right after the call: a helper JIT-compiled in between could load an assembly and overwrite errno.
        return $"{host} (errno {Marshal.GetLastPInvokeError()})";
    }

    /// <summary>A NULL-terminated array of C strings; never freed, as the process image is replaced (or the caller gives up).</summary>
    static nint[] ToNative(IEnumerable<string> strings) => [.. strings.Select(Marshal.StringToCoTaskMemUTF8), 0];

    [DllImport("libc", SetLastError = true)]
    static extern int execve([MarshalAs(UnmanagedType.LPUTF8Str)] string path, nint[] argv, nint[] envp);
}
