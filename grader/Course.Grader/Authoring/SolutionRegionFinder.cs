using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Authoring;

/// <summary>Finds the solution regions of one file and checks that the markers obey the rules.</summary>
internal static class SolutionRegionFinder
{
    public static (IReadOnlyList<SolutionRegion> Regions, IReadOnlyList<MarkerError> Errors) Find(SyntaxNode root, string path)
    {
        var errors = new List<MarkerError>();
        var markers = ReadMarkers(root, path, errors);
        if (markers.Count == 0)
            return ([], errors);

        var placed = new HashSet<int>();
        var regions = new List<SolutionRegion>();
        foreach (var block in root.DescendantNodes().OfType<BlockSyntax>())
            regions.AddRange(PairInBlock(block, markers, placed, path, errors));

        foreach (var marker in markers.Values.Where(m => !placed.Contains(m.Position)))
            errors.Add(new(path, marker.Line,
                $"'{marker.Comment}' must be on its own line directly inside a block body {{ }} " +
                "(not after code on the same line, not in an expression-bodied member, switch section or unbraced if/for body)"));

        var nested = regions.Where(inner => IsNested(inner, regions, path, errors)).ToList();
        regions.RemoveAll(nested.Contains);
        return (regions, errors.OrderBy(e => e.Line).ToList());
    }

    /// <summary>A cheap test that lets files which cannot hold a marker skip parsing.</summary>
    public static bool MayContainMarkers(string source) => source.Contains("SOLUTION", StringComparison.OrdinalIgnoreCase);

    private static Dictionary<int, SolutionMarker> ReadMarkers(SyntaxNode root, string path, List<MarkerError> errors)
    {
        var markers = new Dictionary<int, SolutionMarker>();
        foreach (var trivia in root.DescendantTrivia())
        {
            var marker = SolutionMarker.TryRead(trivia, out var malformed);
            if (marker is not null)
                markers.Add(marker.Position, marker);
            else if (malformed is not null)
                errors.Add(new(path, trivia.GetLocation().GetLineSpan().StartLinePosition.Line + 1, malformed));
        }
        return markers;
    }

    /// <summary>
    /// Walks the statement boundaries of one block in order (the leading trivia of each statement, then of the
    /// closing brace) and pairs the markers found there.
    /// </summary>
    private static IEnumerable<SolutionRegion> PairInBlock(
        BlockSyntax block, Dictionary<int, SolutionMarker> markers, HashSet<int> placed, string path, List<MarkerError> errors)
    {
        SolutionMarker? open = null;
        var openSlot = -1;
        var statements = block.Statements;
        for (var slot = 0; slot <= statements.Count; slot++)
        {
            var token = slot < statements.Count ? statements[slot].GetFirstToken() : block.CloseBraceToken;
            foreach (var trivia in token.LeadingTrivia)
            {
                if (!markers.TryGetValue(trivia.SpanStart, out var marker))
                    continue;
                placed.Add(marker.Position);
                if (marker.Kind == SolutionMarkerKind.Begin)
                {
                    if (open is not null)
                        errors.Add(new(path, marker.Line,
                            $"{SolutionMarker.BeginText} inside the region opened at line {open.Line}; regions cannot nest"));
                    else
                        (open, openSlot) = (marker, slot);
                }
                else if (open is null)
                {
                    errors.Add(new(path, marker.Line,
                        $"{SolutionMarker.EndText} without a matching {SolutionMarker.BeginText} in the same block"));
                }
                else if (slot < statements.Count)
                {
                    errors.Add(new(path, marker.Line,
                        $"code follows {SolutionMarker.EndText} (region opened at line {open.Line}); a region must be the last " +
                        "thing in its block, because code after the generated throw would be unreachable"));
                    open = null;
                }
                else
                {
                    yield return new SolutionRegion(block, openSlot, open, marker);
                    open = null;
                }
            }
        }
        if (open is not null)
            errors.Add(new(path, open.Line,
                $"{SolutionMarker.BeginText} has no matching {SolutionMarker.EndText} before the end of its block"));
    }

    private static bool IsNested(SolutionRegion inner, List<SolutionRegion> regions, string path, List<MarkerError> errors)
    {
        var outer = regions.FirstOrDefault(r =>
            r != inner && r.Begin.Position < inner.Begin.Position && inner.Begin.Position < r.End.Position);
        if (outer is null)
            return false;
        errors.Add(new(path, inner.Begin.Line,
            $"{SolutionMarker.BeginText} inside the region opened at line {outer.Begin.Line}; regions cannot nest"));
        return true;
    }
}
