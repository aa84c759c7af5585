using Course.Grader.Run;
using Course.Worker;

// The protocol goes to the real stdout stream, taken before NUnit or a test can redirect Console.Out.
var stdout = Console.OpenStandardOutput();
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

// Read before any student code loads, so no test can learn it and forge a result line.
var nonce = options.NonceFromStdin ? Console.In.ReadLine()?.Trim() ?? "" : "";
var protocol = new ProtocolWriter(stdout, nonce);
var run = new WorkerRun(options, protocol);
AppDomain.CurrentDomain.ProcessExit += (_, _) =>
{
    if (!run.Completed) protocol.Send(new ExitMessage(Environment.ExitCode));
};
AppDomain.CurrentDomain.UnhandledException += (_, e) => protocol.Send(new CrashMessage(e.ExceptionObject.ToString() ?? "unknown exception"));
return run.Run();
