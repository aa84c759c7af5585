using Course.Grader.Report;

namespace Course.Grade;

/// <summary>
/// Under GitHub Actions, output that carries a student's text (file names, test messages, what their code printed) is
/// written between <c>::stop-commands::TOKEN</c> and <c>::TOKEN::</c>, with a fresh random token, so that the runner
/// takes nothing inside for a workflow command. The grader's own commands go after the block is closed.
/// </summary>
internal sealed class StopCommandsBlock : IDisposable
{
    readonly TextWriter writer;
    readonly string token = GitHubActionsReport.NewStopToken();
    bool closed;

    StopCommandsBlock(TextWriter writer)
    {
        this.writer = writer;
        writer.WriteLine(GitHubActionsReport.StopCommands(token));
    }

    /// <summary>A block on <paramref name="writer"/> when running under GitHub Actions, else null (nothing is written).</summary>
    public static StopCommandsBlock? Open(TextWriter writer, bool actions) => actions ? new StopCommandsBlock(writer) : null;

    /// <summary>A block when <c>GITHUB_ACTIONS=true</c>.</summary>
    public static StopCommandsBlock? Open(TextWriter writer) => Open(writer, GitHubActionsReport.Environment.Detected);

    public void Dispose()
    {
        if (closed) return;
        closed = true;
        writer.WriteLine(GitHubActionsReport.ResumeCommands(token));
    }
}
