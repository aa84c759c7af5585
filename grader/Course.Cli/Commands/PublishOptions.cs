using System.ComponentModel;
using Course.GitHub;
using Course.GitHub.Publish;
using Course.Grade;
using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Workspace;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Course.Cli.Commands;

/// <summary>
/// `course grade --post`: publishing the grade to GitHub (a check run on the commit, a comment on the "Feedback" pull
/// request) once the local outputs are written. Under GitHub Actions the defaults come from the workflow's environment.
/// A failure to publish exits with <see cref="ExitCodes.PublishFailed"/>; the console report and --out files stand.
/// These are `course grade`'s settings: `course-grade`'s, and the options to publish.
/// </summary>
internal class PublishOptions : GradeSettings
{
    [CommandOption("--post")]
    [Description("Publish the grade to GitHub: a check run on the commit and one comment on the \"Feedback\" pull request, edited on later runs.")]
    public bool Post { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("With --post: a token that may write checks and pull-request comments. Default: $GITHUB_TOKEN.")]
    public string? Token { get; init; }

    [CommandOption("--repo <OWNER/NAME>")]
    [Description("With --post: the student's repository. Default: $GITHUB_REPOSITORY.")]
    public string? Repo { get; init; }

    [CommandOption("--sha <COMMIT>")]
    [Description("With --post: the commit to put the check run on. Default: $GITHUB_SHA, else the graded git commit.")]
    public string? Sha { get; init; }

    [CommandOption("--pr <NUMBER>")]
    [Description("With --post: the pull request or issue to comment on. Default: GitHub Classroom's \"Feedback\" pull request.")]
    public int? Pr { get; init; }

    [CommandOption("--api-url <URL>")]
    [Description("With --post: GitHub's REST API. Default: $GITHUB_API_URL, else https://api.github.com.")]
    public string? ApiUrl { get; init; }

    /// <summary>Where and as whom to publish, with the environment's defaults filled in.</summary>
    /// <param name="Sha">Null when neither --sha nor GITHUB_SHA gives it: then the graded commit is used.</param>
    internal sealed record Destination(GitHubAccess Access, string Owner, string Name, string? Sha, int? Pr);

    public override ValidationResult Validate() =>
        base.Validate() is { Successful: false } invalid ? invalid
        : Resolve(this, Environment.GetEnvironmentVariable) is (_, { } problem) ? ValidationResult.Error(problem) : ValidationResult.Success();

    internal static (Destination? Destination, string? Problem) Resolve(PublishOptions options, Func<string, string?> environment)
    {
        if (!options.Post)
        {
            var stray = new[] { ("--token", options.Token), ("--repo", options.Repo), ("--sha", options.Sha), ("--pr", options.Pr?.ToString()), ("--api-url", options.ApiUrl) }
                .Where(o => o.Item2 is not null).Select(o => o.Item1).ToList();
            return (null, stray.Count == 0 ? null : $"{string.Join(", ", stray)} only apply with --post");
        }
        var (access, problem) = GitHubAccess.Resolve(options.Token, options.ApiUrl, environment, "--post");
        if (access is null) return (null, problem);
        var repository = GitHubAccess.NonEmpty(options.Repo) ?? GitHubAccess.NonEmpty(environment("GITHUB_REPOSITORY"));
        if (repository is null) return (null, "--post needs the repository: pass --repo OWNER/NAME or set GITHUB_REPOSITORY");
        if (PublishTarget.SplitRepository(repository) is not var (owner, name)) return (null, $"--repo must be OWNER/NAME, not '{repository}'");
        var sha = GitHubAccess.NonEmpty(options.Sha) ?? GitHubAccess.NonEmpty(environment("GITHUB_SHA"));
        if (sha is not null && !IsFullCommitId(sha)) return (null, $"--sha must be a full commit id (40 hex digits), not '{sha}'");
        if (options.Pr is < 1) return (null, $"--pr must be a pull request or issue number, not {options.Pr}");
        return (new Destination(access, owner, name, sha?.ToLowerInvariant(), options.Pr), null);
    }

    /// <summary>Publishes when --post was given; machine-readable formats keep stdout to themselves, so messages go to stderr.</summary>
    public async Task<int> PostAsync(IAnsiConsole console, ReportView view, Submission submission, CourseLayout layout, CancellationToken cancellationToken)
    {
        if (!Post) return ExitCodes.Ok;
        var output = ReportFormats.IsMachineReadable(Format) ? Console.Error : console.Profile.Out.Writer;
        // GitHub's error messages can quote what was sent, file paths from the student's repository among it.
        using var block = StopCommandsBlock.Open(output);
        var destination = Resolve(this, Environment.GetEnvironmentVariable).Destination!;
        var paths = LocalPaths(submission, layout.LoadManifest(view.Report.Assignment));
        return await PostAsync(destination, view, paths, output, destination.Access.Connect(), cancellationToken);
    }

    internal static async Task<int> PostAsync(Destination destination, ReportView view, StudentPaths? paths, TextWriter output, GitHubApi api, CancellationToken cancellationToken)
    {
        var sha = destination.Sha ?? view.Report.Provenance.SubmissionCommit;
        if (sha is null)
        {
            output.WriteLine("error: --post: no commit to publish on: pass --sha or set GITHUB_SHA (the submission was not a git repository)");
            return ExitCodes.BadArguments;
        }
        try
        {
            var result = await new GradePublisher(api).PublishAsync(view, new PublishTarget(destination.Owner, destination.Name, sha, destination.Pr), paths, cancellationToken);
            output.WriteLine($"Published to {destination.Owner}/{destination.Name}:");
            foreach (var line in result.Lines()) output.WriteLine($"  {line}");
            return ExitCodes.Ok;
        }
        catch (GitHubFailure e)
        {
            output.WriteLine($"error: --post: {e.Message}");
            output.WriteLine("The grade was not published to GitHub; the report above (and any --out files) were written before.");
            return ExitCodes.PublishFailed;
        }
    }

    /// <summary>For a submission on this machine, where its student files are; otherwise null, to look in the commit's tree.</summary>
    static StudentPaths? LocalPaths(Submission submission, AssignmentManifest manifest) =>
        submission.Kind is SubmissionKind.Folder || (submission.Kind is SubmissionKind.Git && submission.Ref is null && Directory.Exists(submission.Location))
            ? StudentPaths.Find(submission.Location, manifest)
            : null;

    static bool IsFullCommitId(string sha) => sha.Length is 40 or 64 && sha.All(Uri.IsHexDigit);
}
