using System.Globalization;
using CsvHelper;

namespace Course.Gradebook;

/// <summary>
/// Per-student deadlines from a CSV with the header <c>student,deadline</c>, the deadline in ISO 8601
/// (<c>2025-03-08T23:59:00+01:00</c>; without an offset it is UTC).
/// </summary>
public static class DeadlineExtensions
{
    /// <exception cref="FormatException">The file is not such a CSV, a deadline does not parse, or a student is listed twice.</exception>
    public static IReadOnlyDictionary<string, DateTimeOffset> Read(string path)
    {
        var extensions = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        try
        {
            using var csv = CsvReader.FromFile(path, CsvReaderOptions.Default with { TrimWhitespace = true });
            var line = 1;
            foreach (var extension in csv.GetRecords<ExtensionLine>())
            {
                line++;
                if (!TryParseTime(extension.Deadline, out var deadline))
                    throw new FormatException($"{path} line {line}: '{extension.Deadline}' is not an ISO 8601 time");
                if (!extensions.TryAdd(extension.Student, deadline))
                    throw new FormatException($"{path} line {line}: {extension.Student} is listed twice");
            }
        }
        catch (CsvFormatException e)
        {
            throw new FormatException($"{path} is not a student,deadline CSV: {e.Message}", e);
        }
        return extensions;
    }

    /// <summary>An ISO 8601 time; one without an offset is taken as UTC.</summary>
    public static bool TryParseTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
}

/// <summary>A line of an extensions file.</summary>
[CsvRecord]
internal sealed partial record ExtensionLine([CsvColumn("student")] string Student, [CsvColumn("deadline")] string Deadline);
