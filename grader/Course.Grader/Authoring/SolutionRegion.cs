using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Authoring;

/// <summary>
/// A marked solution region: it opens before statement <see cref="FirstStatement"/> of <see cref="Block"/>
/// (or before the closing brace, when the region is empty) and always closes just before the closing brace.
/// </summary>
internal sealed record SolutionRegion(BlockSyntax Block, int FirstStatement, SolutionMarker Begin, SolutionMarker End);
