using Course.Grader.Run;
using Course.Grader.Score;

namespace Course.Grader.Fairness;

/// <summary>
/// How a variant of the corpus graded: a correct one must keep every point, a bug must fail each test that claims to catch
/// it, a refused one must be refused for what it says.
/// </summary>
public sealed record VariantCheck(Variant Variant, GradeReport Report)
{
    /// <summary>For a correct variant, the tests it ran when not all of them (those that guard the regions it edits).</summary>
    public IReadOnlyList<string>? RanOnly { get; init; }

    /// <summary>For a bug, the tests its <see cref="Variant.CaughtBy"/> names, as graded.</summary>
    public IReadOnlyList<TestGrade> Catchers => Report.Tests.Where(t => Variant.CaughtBy.Any(name => TestNames.Selects(name, t.FullName))).ToList();

    /// <summary>The tests the check is about: a bug's <see cref="Catchers"/>, or the tests a correct variant ran.</summary>
    public IReadOnlyList<TestGrade> Checked => Variant.Kind == VariantKind.Bug ? Catchers
        : RanOnly is null ? Report.Tests : Report.Tests.Where(t => RanOnly.Any(name => TestNames.Selects(name, t.FullName))).ToList();

    /// <summary>
    /// Correct: graded, and every test it ran passed (all of them with full marks). Bug: graded (it compiled and was not
    /// refused), it names at least one test, and every test it names ran and failed; a name that matches no test never holds.
    /// Refused: refused, by a summary that names <see cref="Variant.RefusedFor"/>.
    /// </summary>
    public bool Holds => Variant.Kind == VariantKind.Refused ? RefusedAsSaid : Report.Status == GradeStatus.Graded && (Variant.Kind == VariantKind.Correct
        ? Checked.Count > 0 && Checked.All(t => t.Passed)
        : Variant.CaughtBy.Count > 0 &&
          Variant.CaughtBy.All(name => Report.Tests.Any(t => TestNames.Selects(name, t.FullName))) &&
          Catchers.All(t => !t.Passed && t.Message != ScoreStage.NoResult));

    bool RefusedAsSaid => Report.Status == GradeStatus.Rejected && Report.Summary.Contains(Variant.RefusedFor ?? "", StringComparison.Ordinal);

    /// <summary>What went wrong, in one line, or null when the check holds.</summary>
    public string? Problem
    {
        get
        {
            if (Holds) return null;
            if (Variant.Kind == VariantKind.Refused)
                return Report.Status == GradeStatus.Rejected
                    ? $"refused, but not for '{Variant.RefusedFor}': {Report.Summary}"
                    : $"not refused ({Report.Status}): {Report.Summary}";
            if (Report.Status != GradeStatus.Graded) return $"not graded ({Report.Status}): {Report.Summary}";
            if (Variant.Kind == VariantKind.Correct)
            {
                var lost = Checked.Where(t => !t.Passed).ToList();
                if (lost.Count == 0) return "no test ran";
                return $"a correct solution loses {ScoreStage.Format(lost.Sum(t => t.MaxScore))} point(s) in {lost.Count} test(s); " +
                       $"the first is {lost[0].FullName}: {lost[0].Message.Split('\n')[0]}";
            }
            if (Variant.CaughtBy.Count == 0) return Uncaught();
            var unknown = Variant.CaughtBy.FirstOrDefault(name => !Report.Tests.Any(t => TestNames.Selects(name, t.FullName)));
            if (unknown is not null) return $"caught_by names '{unknown}', which is no test of this homework";
            var passing = Catchers.Where(t => t.Passed).Select(t => t.FullName).ToList();
            if (passing.Count > 0) return $"the bug passes {string.Join(", ", passing)}";
            return $"{Catchers.First(t => t.Message == ScoreStage.NoResult).FullName} did not run";
        }
    }

    /// <summary>For a bug that names no test yet (graded on all of them): the tests it fails, or that none does.</summary>
    string Uncaught()
    {
        var failing = Report.Tests.Where(t => !t.Passed && t.Message != ScoreStage.NoResult).Select(t => t.FullName).ToList();
        if (failing.Count == 0) return "no test fails on this bug (caught_by is empty, so every test ran): the tests do not catch it";
        const int shown = 8;
        var more = failing.Count > shown ? $", and {failing.Count - shown} more" : "";
        return $"caught_by is empty; the bug fails {failing.Count} test(s), name those that should catch it: {string.Join(", ", failing.Take(shown))}{more}";
    }
}
