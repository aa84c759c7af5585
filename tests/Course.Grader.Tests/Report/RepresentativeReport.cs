using Course.Grader.Analyze;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

/// <summary>
/// One report with a bit of everything the formats must handle: a pass, a failure with a multi-line
/// message and output, a parameterised test with a failing case, hidden and after-due-date tests,
/// a test zeroed for a banned call, and annotations.
/// </summary>
internal static class RepresentativeReport
{
    public static GradeReport Graded()
    {
        var softmax = Cases("Softmax_SumsToOne", 3, points: 6);
        var results = new[]
        {
            Passed(Test("Forward_KeepsShape", points: 2), 0.125),
            Failed(Test("Mask_HidesTheFuture", points: 3),
                "Position 2 attends to position 3.\n  Expected: 0\n  But was:  0.25 | at row 2", output: "pattern[2] = [0.25, 0.25, 0.25, 0.25]"),
            Passed(softmax[0], 0.5), Passed(softmax[1], 0.5), Failed(softmax[2], "Sum was 0.98, not 1 ± 1e-6"),
            Passed(Test("Forward_IsCausal", points: 4), 1.25),
            Passed(Test("Training_LearnsRepeatedSequence", points: 5, visibility: "hidden"), 3.5),
            Failed(Test("Training_Converges", points: 5, visibility: "hidden"), "Loss 2.31 after 200 steps"),
            Passed(Test("Generalises_ToLongerContexts", points: 1, visibility: "after_due_date"), 0.75),
        };
        var annotations = new[]
        {
            new Annotation(AnnotationLevel.Failure, "AttentionHead.cs", 17, 9, "not allowed: scaled_dot_product_attention", "Implement attention yourself."),
            new Annotation(AnnotationLevel.Warning, "CausalMask.cs", 8, 13, "still a stub", "This part is still the starter's NotImplementedException."),
        };
        return ScoreStage.Score(Input(results, annotations: annotations,
            bannedReached: new Dictionary<string, AnalysisFinding> { [$"{Fixture}.Forward_IsCausal"] = Banned() }));
    }
}
