namespace Hw9.Alignment.Plots;

/// <summary>The command line, and how an error reads on one line.</summary>
static class Arguments
{
    public const string DefaultFolder = "plots";

    /// <summary>The output folder: <c>--out DIR</c>, or <c>plots/</c> in the current folder; null when the arguments are not understood.</summary>
    public static string? OutFolder(string[] args) => args switch
    {
        [] => DefaultFolder,
        ["--out", var folder] => folder,
        _ => null,
    };

    public static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');

    /// <summary>
    /// "BestOfN.Sample is not implemented yet" for a starter's stub (its message starts with the member's name and
    /// a colon); otherwise the message's first line.
    /// </summary>
    public static string NotImplemented(NotImplementedException e)
    {
        var line = FirstLine(e.Message);
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !line[..colon].Contains(' ', StringComparison.Ordinal) ? $"{line[..colon]} is not implemented yet" : line;
    }
}
