namespace Course.Grader.Export;

/// <summary>One file of an exported student repo.</summary>
/// <param name="Path">Relative to the repo root, with '/' separators.</param>
internal sealed record TemplateFile(string Path, byte[] Content)
{
    public static TemplateFile Text(string path, string text) => new(path, System.Text.Encoding.UTF8.GetBytes(text));
}
