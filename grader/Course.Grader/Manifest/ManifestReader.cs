using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Course.Grader.Manifest;

/// <summary>Parses assignment.yaml and validates everything that can be checked without the repo.</summary>
internal static partial class ManifestReader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    /// <param name="expectedId">The name of the folder holding the manifest, which the id must equal; null skips the check.</param>
    public static AssignmentManifest Read(string yaml, string path, string? expectedId)
    {
        ManifestDocument? document;
        try
        {
            document = Deserializer.Deserialize<ManifestDocument?>(yaml);
        }
        catch (YamlException e)
        {
            throw new ManifestException(path, [$"line {e.Start.Line}, column {e.Start.Column}: {Describe(e)}"]);
        }
        if (document is null)
            throw new ManifestException(path, ["the file is empty"]);

        var problems = new List<string>();
        var id = Required(document.Id, "id", problems);
        if (id.Length > 0 && expectedId is not null && id != expectedId)
            problems.Add($"id '{id}' must equal the name of the folder holding the manifest, '{expectedId}'");
        var manifest = new AssignmentManifest(
            id,
            Required(document.Title, "title", problems),
            RelativePath(Required(document.Project, "project", problems), "project", problems),
            RelativePath(Required(document.PublicTests, "public_tests", problems), "public_tests", problems),
            RelativePath(Required(document.HiddenTests, "hidden_tests", problems), "hidden_tests", problems),
            StudentFiles(document.StudentFiles, problems),
            BannedApis(document.BannedApis, problems),
            Policy(document.BannedPolicy, problems),
            Limits(document.Limits, problems),
            Overrides(document.Tests, problems),
            DueDate(document.DueDate, problems),
            AllowedApis(document.AllowedApis, problems));
        if (problems.Count > 0)
            throw new ManifestException(path, problems);
        return manifest;
    }

    private static DateTimeOffset? DueDate(string? value, List<string> problems)
    {
        if (value is null) return null;
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var due) && value.Contains('T') && (value.EndsWith('Z') || value.LastIndexOfAny(['+', '-']) > value.IndexOf('T')))
            return due;
        problems.Add($"'due_date' must be an ISO 8601 time with a UTC offset, like 2026-12-01T23:59:00-05:00; got '{value}'");
        return null;
    }

    private static string Required(string? value, string key, List<string> problems)
    {
        if (!string.IsNullOrWhiteSpace(value))
            return value.Trim();
        problems.Add($"'{key}' is required");
        return "";
    }

    private static string RelativePath(string value, string key, List<string> problems)
    {
        if (value.Length > 0 && (Path.IsPathRooted(value) || value.Contains('\\') || value.Split('/').Any(s => s is ".." or "." or "")))
            problems.Add($"'{key}' must be a relative path with '/' separators inside its folder, not '{value}'");
        return value;
    }

    private static List<string> StudentFiles(List<string?>? files, List<string> problems)
    {
        if (files is null || files.Count == 0)
        {
            problems.Add("'student_files' must list at least one file of the homework project");
            return [];
        }
        var paths = files.Select(f => RelativePath(Required(f, "student_files", problems), "student_files", problems)).ToList();
        foreach (var duplicate in paths.Where(p => p.Length > 0).GroupBy(p => p).Where(g => g.Count() > 1))
            problems.Add($"'student_files' lists '{duplicate.Key}' more than once");
        return paths;
    }

    private static List<BannedApi> BannedApis(List<BannedApiDocument?>? banned, List<string> problems) =>
        (banned ?? []).Select((entry, i) => new BannedApi(
            ApiId(entry?.Id, $"banned_apis[{i}].id", problems), Required(entry?.Message, $"banned_apis[{i}].message", problems))).ToList();

    private static List<AllowedApi> AllowedApis(List<AllowedApiDocument?>? allowed, List<string> problems) =>
        (allowed ?? []).Select((entry, i) => new AllowedApi(
            ApiId(entry?.Id, $"allowed_apis[{i}].id", problems), Required(entry?.Reason, $"allowed_apis[{i}].reason", problems))).ToList();

    /// <summary>A required documentation-comment ID (M:, T:, N:, ...), as BannedApiAnalyzers writes them.</summary>
    private static string ApiId(string? value, string key, List<string> problems)
    {
        var id = Required(value, key, problems);
        if (id.Length > 0 && !BannedApi.IdPrefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal) && id.Length > p.Length))
            problems.Add($"{key} '{id}' must be a documentation-comment ID starting with {string.Join(", ", BannedApi.IdPrefixes)}");
        return id;
    }

    private static BannedPolicy Policy(string? policy, List<string> problems)
    {
        switch (policy)
        {
            case null or "zero_tests":
                return BannedPolicy.ZeroTests;
            case "reject":
                return BannedPolicy.Reject;
            default:
                problems.Add($"'banned_policy' must be zero_tests or reject, not '{policy}'");
                return BannedPolicy.ZeroTests;
        }
    }

    private static AssignmentLimits Limits(LimitsDocument? limits, List<string> problems)
    {
        var defaults = AssignmentLimits.Default;
        var result = new AssignmentLimits(
            Positive(limits?.TestTimeoutSeconds ?? defaults.TestTimeoutSeconds, "limits.test_timeout_seconds", problems),
            Positive(limits?.TotalTimeoutSeconds ?? defaults.TotalTimeoutSeconds, "limits.total_timeout_seconds", problems),
            Positive(limits?.MemoryMb ?? defaults.MemoryMb, "limits.memory_mb", problems),
            Positive(limits?.CompileTimeoutSeconds ?? defaults.CompileTimeoutSeconds, "limits.compile_timeout_seconds", problems));
        if (result.TotalTimeoutSeconds < result.TestTimeoutSeconds)
            problems.Add($"limits.total_timeout_seconds ({result.TotalTimeoutSeconds}) must be at least limits.test_timeout_seconds ({result.TestTimeoutSeconds})");
        return result;
    }

    private static int Positive(int value, string key, List<string> problems)
    {
        if (value <= 0)
            problems.Add($"'{key}' must be positive, not {value}");
        return value;
    }

    private static Dictionary<string, TestOverride> Overrides(Dictionary<string, TestOverrideDocument?>? tests, List<string> problems)
    {
        var overrides = new Dictionary<string, TestOverride>(StringComparer.Ordinal);
        foreach (var (name, entry) in tests ?? [])
        {
            if (entry?.Points is null && entry?.Visibility is null)
                problems.Add($"tests.{name} must set points or visibility");
            if (entry?.Points is { } points && (points < 0 || !double.IsFinite(points)))
                problems.Add($"tests.{name}.points must be a finite number >= 0, not {points}");
            overrides[name] = new TestOverride(entry?.Points, Visibility(entry?.Visibility, name, problems));
        }
        return overrides;
    }

    private static TestVisibility? Visibility(string? visibility, string test, List<string> problems)
    {
        switch (visibility)
        {
            case null:
                return null;
            case "visible":
                return TestVisibility.Visible;
            case "hidden":
                return TestVisibility.Hidden;
            case "after_due_date":
                return TestVisibility.AfterDueDate;
            default:
                problems.Add($"tests.{test}.visibility must be visible, hidden or after_due_date, not '{visibility}'");
                return null;
        }
    }

    /// <summary>YamlDotNet's message for an unknown key names a CLR type; say which keys are allowed instead.</summary>
    private static string Describe(YamlException e)
    {
        var innermost = e.InnerException?.GetBaseException().Message ?? e.Message;
        var unknown = UnknownPropertyPattern().Match(e.Message);
        if (!unknown.Success)
            return innermost;
        var type = typeof(ManifestDocument).Assembly.GetType(unknown.Groups["type"].Value);
        var known = type?.GetProperties().Select(p => UnderscoredNamingConvention.Instance.Apply(p.Name));
        return known is null
            ? $"unknown key '{unknown.Groups["key"].Value}'"
            : $"unknown key '{unknown.Groups["key"].Value}'; expected one of: {string.Join(", ", known)}";
    }

    [GeneratedRegex(@"Property '(?<key>[^']*)' not found on type '(?<type>[^']*)'")]
    private static partial Regex UnknownPropertyPattern();
}
