namespace Course.Grader.Export;

/// <summary>The homework cannot be exported as it stands (e.g. its starter is out of date); nothing was written.</summary>
public sealed class ExportException(string message) : Exception(message);
