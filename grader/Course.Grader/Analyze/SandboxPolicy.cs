using Course.Grader.Manifest;

namespace Course.Grader.Analyze;

/// <summary>
/// APIs no homework may use, whatever its manifest says: they would let student code escape the test
/// harness (files, processes, network, reflection, native code, exiting, background threads).
/// </summary>
public static class SandboxPolicy
{
    const string Files = "Homework code may not touch the file system; the tests give you everything you need.";
    const string Escape = "Homework code may not start processes, use the network, reflection or native code.";
    const string Exit = "Homework code may not end the process; throw an exception or return instead.";
    const string Threads = "Homework code may not start threads or timers that outlive a test; use tensor ops, which are parallel already.";

    public static IReadOnlyList<BannedApi> Apis { get; } =
    [
        new("T:System.IO.File", Files),
        new("T:System.IO.Directory", Files),
        new("T:System.IO.FileSystemInfo", Files),
        new("T:System.IO.FileInfo", Files),
        new("T:System.IO.DirectoryInfo", Files),
        new("T:System.IO.DriveInfo", Files),
        new("T:System.IO.FileStream", Files),
        new("T:System.IO.StreamReader", Files),
        new("T:System.IO.StreamWriter", Files),
        new("T:System.IO.RandomAccess", Files),
        new("T:System.IO.FileSystemWatcher", Files),
        new("M:System.IO.Path.GetTempFileName", Files),
        new("N:System.IO.Pipes", Files),
        new("N:System.IO.MemoryMappedFiles", Files),
        new("N:System.IO.IsolatedStorage", Files),
        new("M:TorchSharp.torch.save", Files),
        new("M:TorchSharp.torch.load", Files),
        new("M:TorchSharp.torch.Tensor.save", Files),
        new("M:TorchSharp.torch.Tensor.load", Files),
        new("M:TorchSharp.torch.nn.Module.save", Files),
        new("M:TorchSharp.torch.nn.Module.load", Files),
        new("T:TorchSharp.torch.jit", Files),
        new("T:System.Diagnostics.Process", Escape),
        new("T:System.Diagnostics.ProcessStartInfo", Escape),
        new("N:System.Net", Escape),
        new("N:System.Reflection", Escape),
        new("T:System.Activator", Escape),
        new("T:System.AppDomain", Escape),
        new("N:System.Runtime.InteropServices", Escape),
        new("N:System.Runtime.Loader", Escape),
        new("T:System.Runtime.CompilerServices.Unsafe", Escape),
        new("M:System.Environment.Exit", Exit),
        new("M:System.Environment.FailFast", Exit),
        new("T:System.Threading.Thread", Threads),
        new("T:System.Threading.ThreadPool", Threads),
        new("T:System.Threading.Timer", Threads),
        new("T:System.Timers.Timer", Threads),
        new("M:System.Threading.Tasks.Task.Run", Threads),
        new("T:System.Threading.Tasks.TaskFactory", Threads),
    ];
}
