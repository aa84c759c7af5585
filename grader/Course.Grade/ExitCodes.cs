namespace Course.Grade;

/// <summary>What `course` exits with; CI scripts rely on these.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The check found something out of date, or the command failed (e.g. bad solution markers).</summary>
    public const int Failed = 1;
    /// <summary>The command line is wrong: unknown command, option or homework id.</summary>
    public const int BadArguments = 2;
    /// <summary>`grade --post`: graded and reported locally, but publishing to GitHub failed (token, permission, not found, rate limit, network).</summary>
    public const int PublishFailed = 3;
}
