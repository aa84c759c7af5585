using Course.Grader.Run;
using Course.Worker;
using Course.Worker.Sandbox;

// Before anything else: a process group of its own, which the grader kills whole with whatever a test starts.
var processGroup = ProcessGroup.Lead();
WorkerOptions options;
try
{
    options = WorkerOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"Course.Worker: {e.Message}\n{WorkerOptions.Usage}");
    return 2;
}

// On Linux the first start only locks its thread down and re-executes the worker inside the sandbox.
if (OperatingSystem.IsLinux() && options.SandboxReport is null) return SandboxLauncher.Relaunch(options, args);

// The protocol goes to the real stdout stream, taken before NUnit or a test can redirect Console.Out.
var stdout = Console.OpenStandardOutput();
// Read before any student code loads, so no test can learn it and forge a result line.
var nonce = options.NonceFromStdin ? Lifeline.ReadNonce() : "";
var protocol = new ProtocolWriter(stdout, nonce);
protocol.Send(new SandboxMessage(WorkerSandbox.Complete(options, processGroup)));
WorkerRun? run = null;
AppDomain.CurrentDomain.ProcessExit += (_, _) =>
{
    if (run is { Completed: false }) protocol.Send(new ExitMessage(Environment.ExitCode));
};
AppDomain.CurrentDomain.UnhandledException += (_, e) => protocol.Send(new CrashMessage(e.ExceptionObject.ToString() ?? "unknown exception"));
if (options.Serving) return WorkerServer.Serve(options, protocol, next => run = next);
if (options.NonceFromStdin) Lifeline.Hold();
run = new WorkerRun(options, protocol);
var exitCode = run.Run();
// A process a test started would be orphaned by the worker's exit; the worker stays its parent until the grader kills them together.
if (ProcessGroup.HasChildren()) Thread.Sleep(Timeout.Infinite);
return exitCode;
