using Course.Cli;
using Spectre.Console;

return CourseApp.Run(args, AnsiConsole.Console);
