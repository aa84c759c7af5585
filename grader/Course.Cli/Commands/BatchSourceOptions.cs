using System.ComponentModel;
using Course.GitHub.Batch;
using Course.Grader.Batch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// The options of `course batch` that say where the submissions come from; exactly one source is given. A new source
/// adds its options here and a line to <see cref="Given"/>.
/// </summary>
internal class BatchSourceOptions : CommandSettings
{
    [CommandOption("--dir <DIR>")]
    [Description("A folder of downloaded submissions: one folder, .zip or .tar.gz per student, named after the student.")]
    public string? Dir { get; init; }

    [CommandOption("--org <ORG>")]
    [Description("A GitHub org: its repositories named PREFIX<student> are the submissions (as GitHub Classroom names them). Needs --prefix.")]
    public string? Org { get; init; }

    [CommandOption("--prefix <PREFIX>")]
    [Description("With --org: the start of the repositories' names, e.g. hw3-attention-; the rest is the student.")]
    public string? Prefix { get; init; }

    [CommandOption("--classroom-assignment <ID>")]
    [Description("A GitHub Classroom assignment id: its accepted assignments are the submissions; its deadline applies when there is no other.")]
    public long? ClassroomAssignment { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("With --org or --classroom-assignment: a GitHub token that reads the repositories (with --post, also writes checks and comments). Default: $GITHUB_TOKEN.")]
    public string? Token { get; init; }

    [CommandOption("--api-url <URL>")]
    [Description("With --org or --classroom-assignment: GitHub's REST API. Default: $GITHUB_API_URL, else https://api.github.com.")]
    public string? ApiUrl { get; init; }

    /// <summary>Each source the command line names, with how to make it once the options are valid.</summary>
    IEnumerable<(string Option, Func<ISubmissionSource> Create)> Given()
    {
        if (Dir is not null) yield return ("--dir", () => new DirectorySource(Dir));
        if (Org is not null || Prefix is not null) yield return ("--org", () => new OrgSource(GitHub().Connect(), Org!, Prefix!));
        if (ClassroomAssignment is { } id) yield return ("--classroom-assignment", () => new ClassroomSource(GitHub().Connect(), id));
    }

    public override ValidationResult Validate()
    {
        var given = Given().Select(s => s.Option).ToList();
        if (given.Count != 1)
            return ValidationResult.Error(given.Count == 0
                ? "say where the submissions are: --dir DIR, --org ORG --prefix PREFIX, or --classroom-assignment ID"
                : $"give one source of submissions, not {string.Join(" and ", given)}");
        if (Dir is not null && !Directory.Exists(Dir))
            return ValidationResult.Error($"--dir: no folder {Dir}");
        if ((Org is null) != (Prefix is null))
            return ValidationResult.Error("--org and --prefix go together, e.g. --org my-course --prefix hw3-attention-");
        if (ClassroomAssignment is < 1)
            return ValidationResult.Error($"--classroom-assignment must be an assignment id, not {ClassroomAssignment}");
        if (Dir is null && GitHubAccess.Resolve(Token, ApiUrl, Environment.GetEnvironmentVariable, given[0]).Problem is { } problem)
            return ValidationResult.Error(problem);
        return ValidationResult.Success();
    }

    GitHubAccess GitHub() => GitHubAccess.Resolve(Token, ApiUrl, Environment.GetEnvironmentVariable, "GitHub").Access!;

    public ISubmissionSource CreateSource() => Given().Single().Create();
}
