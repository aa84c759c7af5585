using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Pipeline;
using Microsoft.CodeAnalysis;

namespace Course.Grader.Fairness;

/// <summary>
/// One of <c>course validate</c>'s checks: the reference with some lines changed (a stubbed region, a variant of the corpus),
/// graded on some of its tests, with or without <see cref="FloatNoise"/>.
/// </summary>
public sealed record CheckRun(string What, IReadOnlyList<SourceFile> Files, IReadOnlyList<string>? Only, bool Noisy)
{
    /// <summary>
    /// The check holds only if its tests keep every point (a correct variant), so it may share a run with others of its kind
    /// even where their tests overlap: see <see cref="RunCombiner"/>.
    /// </summary>
    public bool MustKeepEveryPoint { get; init; }
}

/// <summary>
/// Puts several of validate's checks into one run, where none can change what another's tests see: each check's changes
/// lie in members the other checks' tests cannot reach (<see cref="TestReach"/>, which over-approximates), in lines apart
/// from the others', and the checks run different tests. A test then runs the same code in the shared run as in a run of
/// its own check alone, and the grader starts one worker for the group instead of one per check (most of a short check's
/// time). A check whose changes cannot be placed in the homework's members (a using directive, a new file), or that runs
/// every test, runs alone.
/// <para>
/// Checks that must keep every point (correct variants) share a run with one another wherever their lines lie apart, even
/// when their tests overlap, since most of them reach a homework's training test: the shared run applies them all, and a
/// check whose share loses no point holds, as a correct solution made of several correct rewrites keeps every point. A
/// share that loses a point says nothing about whose change lost it, so that check is graded again alone (the caller's
/// part). What this could miss is one rewrite losing a point and another, in other members, exactly undoing it in every
/// test that sees both: rewrites written each to be correct on its own do not do that.
/// </para>
/// </summary>
sealed class RunCombiner(IReadOnlyList<SourceFile> reference, Compilation homework, TestReach reach)
{
    readonly Dictionary<string, string[]> referenceLines = reference.ToDictionary(f => f.Path, f => f.Text.Split('\n'), StringComparer.Ordinal);

    /// <summary>A change to one file: reference lines [First, End) (0-based) become <paramref name="With"/>.</summary>
    sealed record Hunk(string File, int First, int End, IReadOnlyList<string> With);

    /// <summary>What a check (<paramref name="Run"/>) changes and which members its tests reach; null footprint: it cannot share a run.</summary>
    sealed record Shape(CheckRun Run, IReadOnlyList<Hunk> Hunks, IReadOnlySet<string>? Footprint, IReadOnlySet<string> TestMethods, IReadOnlySet<string> Reached)
    {
        public bool Shareable => Footprint is not null;
    }

    /// <summary>
    /// Groups of indices into <paramref name="runs"/>, in order, at most <paramref name="maxSize"/> to a group: each group
    /// can be graded as one run (<see cref="Combine"/>); a group of one runs as it is.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<int>> Group(IReadOnlyList<CheckRun> runs, int maxSize)
    {
        var shapes = runs.Select(ShapeOf).ToList();
        var groups = new List<List<int>>();
        for (var i = 0; i < runs.Count; i++)
        {
            var home = shapes[i].Shareable
                ? groups.FirstOrDefault(g => g.Count < maxSize && shapes[g[0]].Shareable && g.All(j => Compatible(shapes[i], shapes[j])))
                : null;
            if (home is null) groups.Add([i]);
            else home.Add(i);
        }
        return groups;
    }

    /// <summary>The reference with the changes of every check of a group (from <see cref="Group"/>).</summary>
    public IReadOnlyList<SourceFile> Combine(IEnumerable<CheckRun> group)
    {
        var hunks = group.SelectMany(run => HunksOf(run.Files) ?? throw new ArgumentException($"{run.What} cannot share a run", nameof(group))).ToLookup(h => h.File, StringComparer.Ordinal);
        return reference.Select(file =>
        {
            if (!hunks.Contains(file.Path)) return file;
            var lines = referenceLines[file.Path].ToList();
            foreach (var hunk in hunks[file.Path].OrderByDescending(h => h.First))
            {
                lines.RemoveRange(hunk.First, hunk.End - hunk.First);
                lines.InsertRange(hunk.First, hunk.With);
            }
            return file with { Text = string.Join('\n', lines) };
        }).ToList();
    }

    static bool Compatible(Shape a, Shape b) =>
        a.Run.Noisy == b.Run.Noisy && a.Run.MustKeepEveryPoint == b.Run.MustKeepEveryPoint
        && (a.Run.MustKeepEveryPoint || (!a.TestMethods.Overlaps(b.TestMethods) && !a.Reached.Overlaps(b.Footprint!) && !b.Reached.Overlaps(a.Footprint!)))
        && a.Hunks.All(x => b.Hunks.All(y => x.File != y.File || x.End < y.First || y.End < x.First));

    Shape ShapeOf(CheckRun run)
    {
        var hunks = HunksOf(run.Files);
        var noTests = new HashSet<string>(StringComparer.Ordinal);
        var alone = new Shape(run, hunks ?? [], null, noTests, noTests);
        if (run.Only is null || hunks is null || hunks.Count == 0) return alone;
        var footprint = new HashSet<string>(StringComparer.Ordinal);
        foreach (var hunk in hunks)
        {
            // The members holding every replaced line and, for an insertion, the lines on either side of it.
            for (var line = Math.Max(hunk.First - (hunk.First == hunk.End ? 1 : 0), 0); line <= Math.Max(hunk.End - 1, hunk.First); line++)
            {
                if (TestReach.MemberAt(homework, hunk.File, line + 1) is not { } member || !AddMember(footprint, member))
                    return alone;
            }
        }
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var methods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in run.Only)
        {
            if (reach.ReachedBy(name) is not { } members) return alone;
            reached.UnionWith(members);
            methods.UnionWith(reach.Named(name).Select(t => t.TestName));
        }
        return new Shape(run, hunks, footprint, methods, reached);
    }

    /// <summary>
    /// Adds a changed member to a footprint: a method, property, field or event as it is; a type (a line between its members,
    /// its declaration) with everything in it, as a change there can reach any of them. False for anything else (a
    /// namespace): such a change can reach every test.
    /// </summary>
    bool AddMember(HashSet<string> footprint, string member)
    {
        if (member.StartsWith("N:", StringComparison.Ordinal)) return false;
        footprint.Add(member);
        if (!member.StartsWith("T:", StringComparison.Ordinal)) return true;
        if (DocumentationCommentId.GetFirstSymbolForDeclarationId(member, homework) is not INamedTypeSymbol type) return false;
        foreach (var inner in type.GetMembers())
        {
            if (SymbolIds.Of(inner) is not { } id) continue;
            if (inner is not INamedTypeSymbol) footprint.Add(id);
            else if (!AddMember(footprint, id)) return false;
        }
        return true;
    }

    /// <summary>Per changed file, the one span of lines between the common start and the common end; null for a file the reference lacks.</summary>
    List<Hunk>? HunksOf(IReadOnlyList<SourceFile> files)
    {
        var hunks = new List<Hunk>();
        if (files.Count != reference.Count) return null;
        foreach (var file in files)
        {
            if (!referenceLines.TryGetValue(file.Path, out var before)) return null;
            var after = file.Text.Split('\n');
            var start = 0;
            while (start < before.Length && start < after.Length && before[start] == after[start]) start++;
            if (start == before.Length && start == after.Length) continue;
            var end = 0;
            while (end < before.Length - start && end < after.Length - start && before[^(end + 1)] == after[^(end + 1)]) end++;
            hunks.Add(new Hunk(file.Path, start, before.Length - end, after[start..(after.Length - end)]));
        }
        return hunks;
    }
}
