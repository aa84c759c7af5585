using Course.Grader.Compile;
using Course.Grader.Manifest;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Course.Grader.Fairness;

public enum VariantKind
{
    /// <summary>A solution written differently: it must keep every point.</summary>
    Correct,

    /// <summary>A plausible mistake: every test in <see cref="Variant.CaughtBy"/> must fail on it.</summary>
    Bug,

    /// <summary>
    /// An attack the grader refuses before any test runs (a rule of the analysis closes its whole class): its grade must be
    /// a refusal that names <see cref="Variant.RefusedFor"/>. The corpus keeps it so that a change that lets it through shows.
    /// </summary>
    Refused,
}

/// <summary>
/// One text replacement in a file of the reference's homework project. One line of <paramref name="Replace"/> matches
/// anywhere in a line; several match whole lines whatever their indentation (YAML's block scalars drop it). The lines of
/// <paramref name="With"/> after its first take the indentation of the first line replaced.
/// </summary>
/// <param name="Replace">Text that occurs exactly once in <paramref name="File"/>.</param>
public sealed record VariantEdit(string File, string Replace, string With)
{
    string[] ReplaceLines => Replace.TrimEnd('\n', '\r').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    string[] WithLines => With.TrimEnd('\n', '\r').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>Where the text to replace occurs: (line, column) of each match.</summary>
    List<(int Line, int Column)> Matches(string[] lines)
    {
        var wanted = ReplaceLines;
        var matches = new List<(int, int)>();
        if (wanted.Length == 1)
        {
            for (var i = 0; i < lines.Length; i++)
                for (var at = lines[i].IndexOf(wanted[0], StringComparison.Ordinal); at >= 0; at = lines[i].IndexOf(wanted[0], at + 1, StringComparison.Ordinal))
                    matches.Add((i, at));
            return matches;
        }
        for (var i = 0; i + wanted.Length <= lines.Length; i++)
            if (wanted.Select((w, j) => lines[i + j].Trim() == w.Trim()).All(same => same))
                matches.Add((i, 0));
        return matches;
    }

    public int Count(string text) => Matches(text.Split('\n')).Count;

    /// <summary>The lines (1-based) of <paramref name="text"/> the edit replaces, or null when it does not match exactly once.</summary>
    public (int First, int Last)? LinesIn(string text)
    {
        var matches = Matches(text.Split('\n'));
        return matches.Count == 1 ? (matches[0].Line + 1, matches[0].Line + ReplaceLines.Length) : null;
    }

    /// <summary>The text with the edit made, or null when the text to replace is not in it exactly once.</summary>
    public string? ApplyTo(string text)
    {
        var lines = text.Split('\n');
        var matches = Matches(lines);
        if (matches.Count != 1 || ReplaceLines.All(l => l.Trim().Length == 0)) return null;
        var (line, column) = matches[0];
        var cr = lines[line].EndsWith('\r') ? "\r" : "";
        var indent = lines[line][..(lines[line].Length - lines[line].TrimStart().Length)];
        var with = WithLines.Select((l, i) => i == 0 || l.Length == 0 ? l : indent + l).ToList();
        var replaced = ReplaceLines.Length == 1
            ? [string.Concat(lines[line].AsSpan(0, column), string.Join(cr + "\n", with), lines[line].AsSpan(column + ReplaceLines[0].Length))]
            : with.Select((l, i) => (i == 0 ? indent + l.TrimStart() : l) + cr).ToList();
        return string.Join('\n', lines.Take(line).Concat(replaced).Concat(lines.Skip(line + (ReplaceLines.Length == 1 ? 1 : ReplaceLines.Length))));
    }
}

/// <summary>The reference with a few edits: a correct solution written differently, or a bug some tests must catch.</summary>
/// <param name="CaughtBy">
/// For a bug, the tests that must fail on it: full names, or a fixture's or method's prefix. While it is empty the bug is
/// graded on every test and never holds: validate names the tests it fails, for the author to choose from.
/// </param>
public sealed record Variant(string Name, VariantKind Kind, string Why, IReadOnlyList<string> CaughtBy, IReadOnlyList<VariantEdit> Edits)
{
    /// <summary>For a <see cref="VariantKind.Refused"/> variant, text the refusal's summary must contain (what it refuses, say "static state").</summary>
    public string? RefusedFor { get; init; }

    /// <summary>The reference's files with this variant's edits.</summary>
    /// <exception cref="VariantCorpusException">An edit's text is not in its file exactly once.</exception>
    public IReadOnlyList<SourceFile> ApplyTo(IReadOnlyList<SourceFile> reference, string corpusPath)
    {
        var files = reference.ToDictionary(f => f.Path, f => f.Text, StringComparer.Ordinal);
        foreach (var edit in Edits)
        {
            if (!files.TryGetValue(edit.File, out var text))
                throw new VariantCorpusException(corpusPath, [$"variant '{Name}': the homework project has no file '{edit.File}'"]);
            files[edit.File] = edit.ApplyTo(text) ?? throw new VariantCorpusException(corpusPath,
                [$"variant '{Name}': the text to replace occurs {(edit.Count(text) == 0 ? "nowhere" : "more than once")} in {edit.File}; " +
                 $"quote the reference exactly, with enough context to be unique: {First(edit.Replace)}"]);
        }
        return reference.Select(f => f with { Text = files[f.Path] }).ToList();
    }

    static string First(string text) => text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(empty)";
}

/// <summary>A variants file does not parse, or an entry is incomplete; every problem is listed.</summary>
public sealed class VariantCorpusException(string path, IReadOnlyList<string> problems)
    : Exception($"{path}: {string.Join("; ", problems)}")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// <c>assignments/&lt;id&gt;/variants.yaml</c>: the homework's corpus of correct solutions written differently and of plausible
/// bugs, which <c>course validate</c> grades. It stays with the instructors, as the hidden tests do.
/// </summary>
public static class VariantCorpus
{
    public const string FileName = "variants.yaml";

    static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .WithDuplicateKeyChecking()
        .Build();

    public static string PathFor(CourseLayout layout, string id) => Path.Combine(layout.AssignmentDir(id), FileName);

    /// <summary>The homework's variants; none when it has no variants file.</summary>
    /// <exception cref="VariantCorpusException">The file does not parse or an entry is incomplete.</exception>
    public static IReadOnlyList<Variant> Load(CourseLayout layout, string id)
    {
        var path = PathFor(layout, id);
        return File.Exists(path) ? Read(File.ReadAllText(path), path) : [];
    }

    public static IReadOnlyList<Variant> Read(string yaml, string path)
    {
        Document? document;
        try
        {
            document = Deserializer.Deserialize<Document?>(yaml);
        }
        catch (YamlException e)
        {
            throw new VariantCorpusException(path, [$"line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}"]);
        }
        var problems = new List<string>();
        var variants = new List<Variant>();
        foreach (var (entry, i) in (document?.Variants ?? []).Select((e, i) => (e, i)))
        {
            var where = entry.Name is { Length: > 0 } n ? $"variant '{n}'" : $"variant #{i + 1}";
            if (entry.Name is not { Length: > 0 } name || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                problems.Add($"{where}: 'name' must be kebab-case (a-z, 0-9, -)");
            if (variants.Any(v => v.Name == entry.Name)) problems.Add($"{where}: the name is used twice");
            VariantKind? kind = entry.Kind switch { "correct" => VariantKind.Correct, "bug" => VariantKind.Bug, "refused" => VariantKind.Refused, _ => null };
            if (kind is null) problems.Add($"{where}: 'kind' must be 'correct', 'bug' or 'refused', not '{entry.Kind}'");
            if (string.IsNullOrWhiteSpace(entry.Why)) problems.Add($"{where}: 'why' must say what the variant does");
            var caughtBy = entry.CaughtBy ?? [];
            if (kind == VariantKind.Correct && caughtBy.Count > 0) problems.Add($"{where}: a correct variant has no 'caught_by'");
            if (kind == VariantKind.Refused && caughtBy.Count > 0) problems.Add($"{where}: a refused variant has no 'caught_by': no test runs");
            if (kind == VariantKind.Refused && string.IsNullOrWhiteSpace(entry.RefusedFor)) problems.Add($"{where}: a refused variant needs 'refused_for', what its refusal names");
            if (kind is not VariantKind.Refused && entry.RefusedFor is not null) problems.Add($"{where}: only a refused variant has 'refused_for'");
            var edits = entry.Edits ?? [];
            if (edits.Count == 0) problems.Add($"{where}: 'edits' is empty");
            foreach (var edit in edits.Where(e => string.IsNullOrEmpty(e.File) || string.IsNullOrEmpty(e.Replace) || e.With is null))
                problems.Add($"{where}: each edit needs 'file', 'replace' and 'with'");
            variants.Add(new Variant(entry.Name ?? "", kind ?? VariantKind.Bug, entry.Why ?? "", caughtBy,
                [.. edits.Select(e => new VariantEdit(e.File ?? "", e.Replace ?? "", e.With ?? ""))])
            { RefusedFor = entry.RefusedFor });
        }
        if (problems.Count > 0) throw new VariantCorpusException(path, problems);
        return variants;
    }

    sealed class Document
    {
        public List<Entry>? Variants { get; set; }
    }

    sealed class Entry
    {
        public string? Name { get; set; }
        public string? Kind { get; set; }
        public string? Why { get; set; }
        public List<string>? CaughtBy { get; set; }
        public string? RefusedFor { get; set; }
        public List<EditEntry>? Edits { get; set; }
    }

    sealed class EditEntry
    {
        public string? File { get; set; }
        public string? Replace { get; set; }
        public string? With { get; set; }
    }
}
