using Course.Gradebook.Export;
using CsvHelper;

namespace Course.Grader.Tests.Gradebook;

/// <summary>The CSV an LMS imports: the documented header, one row per student, parsed back with CsvHelper.</summary>
public class GradeCsvTests
{
    static string Write(IReadOnlyList<Course.Grader.Batch.GradebookEntry> latest)
    {
        var text = new StringWriter();
        GradeCsv.Write(text, latest);
        return text.ToString();
    }

    static List<GradeCsvRow> Parse(string csv)
    {
        using var reader = CsvReader.FromText(csv);
        return [.. reader.GetRecords<GradeCsvRow>()];
    }

    [Test]
    public void Given_a_class_When_exported_Then_the_header_is_the_documented_columns_and_each_student_has_a_crlf_line()
    {
        var csv = Write(GradebookEntries.SmallClass());

        var lines = csv.Split("\r\n");
        Assert.That(lines[0], Is.EqualTo("student,repository,commit,score,max_score,percent,status,late,submitted_at,submitted_at_source,graded_at"));
        Assert.That(lines, Has.Length.EqualTo(1 + 5 + 1), "header, five students, and the empty rest after the last CRLF");
        Assert.That(lines[2], Is.EqualTo("bob,/downloads/bob.zip,,50,100,50,graded,true,2025-03-01T09:30:00Z,file_time,2025-03-02T09:30:00Z"));
    }

    [Test]
    public void Given_a_class_When_parsed_back_Then_scores_statuses_and_late_flags_round_trip()
    {
        var rows = Parse(Write(GradebookEntries.SmallClass())).ToDictionary(r => r.Student);

        Assert.That(rows["alice"], Is.EqualTo(new GradeCsvRow("alice", "/downloads/alice.zip", "", 100, 100, 100, "graded", false, "2025-02-28T09:30:00Z", "file_time", "2025-03-02T09:30:00Z")));
        Assert.That(rows["bob"].Late, Is.True);
        Assert.That((rows["dave"].Score, rows["dave"].Status), Is.EqualTo(((double?)0, "compile_error")));
        Assert.That((rows["ivan"].Score, rows["ivan"].MaxScore, rows["ivan"].Percent, rows["ivan"].Status, rows["ivan"].SubmittedAt),
            Is.EqualTo(((double?)0, 100.0, (double?)0, "no_submission", "")), "no submission: zero out of what the others could get");
        Assert.That((rows["mallory"].Score, rows["mallory"].Percent, rows["mallory"].Status), Is.EqualTo(((double?)null, (double?)null, "error")),
            "a grader error is no grade: the score is left empty, never a zero");
    }

    [Test]
    public void Given_a_folder_named_like_a_spreadsheet_formula_When_exported_Then_the_cell_is_text_not_a_formula()
    {
        var csv = Write([GradebookEntries.Graded("=HYPERLINK(\"http://evil\")", ("A", true))]);

        Assert.That(Parse(csv).Single().Student, Does.StartWith("'="));
    }

    /// <summary>A red team's names (stop 61, b01): a reader that splits at ';', a tab or a space would start a cell with '='.</summary>
    [TestCase("x;=1+2;")]
    [TestCase("x\t=1+2\t")]
    [TestCase("x =1+2")]
    [TestCase("x|=1+2")]
    public void Given_a_folder_name_with_a_formula_after_another_readers_separator_When_exported_Then_the_field_is_quoted_and_reads_back_whole(string name)
    {
        var csv = Write([GradebookEntries.Graded(name, ("A", true))]);

        var row = csv.Split("\r\n")[1];
        Assert.That(row, Does.StartWith($"\"{name}\","), "quoted, so a reader that splits at ';' or a tab keeps it one cell");
        Assert.That(Parse(csv).Single().Student, Is.EqualTo(name));
    }
}
