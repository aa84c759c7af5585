using Course.Gradebook.Export;
using Course.Grader.Report;
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

    /// <summary>
    /// A red team's names (stop 61, b01): a reader that splits at ';', a tab or a space would start a cell with '='. A tab
    /// is shown as its code point now (see the test below), and the field is quoted all the same.
    /// </summary>
    [TestCase("x;=1+2;", "x;=1+2;")]
    [TestCase("x\t=1+2\t", "x<U+0009>=1+2<U+0009>")]
    [TestCase("x =1+2", "x =1+2")]
    [TestCase("x|=1+2", "x|=1+2")]
    public void Given_a_folder_name_with_a_formula_after_another_readers_separator_When_exported_Then_the_field_is_quoted_and_reads_back_whole(string name, string shown)
    {
        var csv = Write([GradebookEntries.Graded(name, ("A", true))]);

        var row = csv.Split("\r\n")[1];
        Assert.That(row, Does.StartWith($"\"{shown}\","), "quoted, so a reader that splits at ';' or a tab keeps it one cell");
        Assert.That(Parse(csv).Single().Student, Is.EqualTo(shown));
    }

    /// <summary>
    /// A download's name is partly what the student uploaded. Raw, a line break began a line that a line-based LMS import
    /// reads as a row of its own (here one that gives bob full marks), an escape sequence reached the terminal that the
    /// CSV is printed to by default, and a zero-width space or a bidi override made a name look like another's.
    /// </summary>
    [TestCase("x\r\nbob,/downloads/bob.zip,,100,100,100,graded", "x<U+000D><U+000A>bob,/downloads/bob.zip,,100,100,100,graded")]
    [TestCase("alice\u200b", "alice<U+200B>")]
    [TestCase("evil\u001b]0;pwned\u0007", "evil<U+001B>]0;pwned<U+0007>")]
    [TestCase("\u202eecila", "<U+202E>ecila")]
    [TestCase("\n=1+2", "<U+000A>=1+2")]
    [TestCase("tag\U000E0041", "tag<U+E0041>")]
    [TestCase("zoë_Łukasz 😀", "zoë_Łukasz 😀")]
    public void Given_a_name_with_characters_the_reports_remove_When_exported_Then_each_is_shown_as_its_code_point_on_one_line(string name, string shown)
    {
        var csv = Write([GradebookEntries.Graded(name, ("A", true)) with { Repository = $"/downloads/{name}.zip" }]);

        Assert.That(csv.Split("\r\n"), Has.Length.EqualTo(3), "the header, one row, and the empty rest");
        var row = Parse(csv).Single();
        Assert.That((row.Student, row.Repository), Is.EqualTo((shown, $"/downloads/{shown}.zip")));
        Assert.That(csv.Replace("\r\n", "", StringComparison.Ordinal).Where(ReportText.IsUnsafe), Is.Empty, "nothing the reports remove, but the CRLF that ends a row");
    }

    [Test]
    public void Given_two_names_that_differ_only_by_an_invisible_character_When_exported_Then_they_stay_two_names()
    {
        var rows = Parse(Write([GradebookEntries.Graded("alice", ("A", true)), GradebookEntries.Graded("alice\u200b", ("A", false))]));

        Assert.That(rows.Select(r => r.Student), Is.EqualTo(new[] { "alice", "alice<U+200B>" }));
    }
}
