using Course.Grader.Manifest;
using Course.Grader.Report;
using Course.Grader.Score;

namespace Course.GitHub.Tests.Publish;

/// <summary>Grade reports made directly, without grading: the publisher only reads them.</summary>
public static class Reports
{
    public static readonly DateTimeOffset GradedAt = new(2025, 3, 2, 8, 0, 0, TimeSpan.Zero);

    public static ReportView View(double score, double max = 100, GradeStatus status = GradeStatus.Graded, int annotations = 2, int failures = 1, int messageLength = 80) =>
        new(Report(score, max, status, annotations, failures, messageLength), RevealHidden: false);

    public static GradeReport Report(double score, double max = 100, GradeStatus status = GradeStatus.Graded, int annotations = 2, int failures = 1, int messageLength = 80)
    {
        var tests = Enumerable.Range(0, failures + 1).Select(i => i == 0
            ? new TestGrade("AttentionTests.Softmax_SumsToOne", "Hw3.Attention.Tests.AttentionTests.Softmax_SumsToOne", "public", null, true, score, max / 2, TestVisibility.Visible, "", "", 0.1)
            : new TestGrade($"AttentionTests.Mask_HidesTheFuture_{i}", $"Hw3.Attention.Tests.AttentionTests.Mask_HidesTheFuture_{i}", "public", null, false, 0, max / 2, TestVisibility.Visible,
                $"Position 2 attends to position 3. {new string('x', messageLength)}", "", 0.2)).ToList();
        var marks = Enumerable.Range(0, annotations).Select(i => (i % 3) switch
        {
            0 => new Annotation(AnnotationLevel.Failure, "Attention.cs", 10 + i, 5, "error CS1002", "; expected"),
            1 => new Annotation(AnnotationLevel.Warning, "CausalMask.cs", 8 + i, 13, "still a stub", "This part is still the starter's NotImplementedException."),
            _ => new Annotation(AnnotationLevel.Failure, "AttentionHead.cs", 17 + i, 0, "not allowed: scaled_dot_product_attention", "Implement attention yourself."),
        }).ToList();
        return new GradeReport(GradeReport.CurrentSchemaVersion, Hw3Files.Assignment, "Attention from scratch", status, score, max,
            $"{score}/{max} points.", tests, marks, new Provenance("1.0.0", new string('f', 64), null, "test"), GradedAt);
    }
}
