using Course.Grade;
using Spectre.Console;

return GradeApp.Run(args, AnsiConsole.Console);
