using Course.Cli;
using Course.Cli.Commands;
using Spectre.Console;

return CourseApp.Run(args, AnsiConsole.Console, BatchRestart.OfThisProcess(args));
