using Course.Grader.Report;
using Course.Grader.Score;
using Spectre.Console.Testing;

namespace Course.Grader.Tests.Report;

/// <summary>
/// Text that reaches a report: no control characters, terminal escapes or bidi overrides, whatever a student put in a
/// file name, a message or their output; names on one line, messages with their lines.
/// </summary>
public class ReportTextTests
{
    const string Hostile = "a\u0000b\u0007c\u007fd\u0085e\u009cf\u202eg\u2066h\u2069i";

    [Test]
    public void Given_control_bidi_and_C1_characters_When_cleaned_Then_only_the_text_is_left()
    {
        Assert.That(ReportText.Line(Hostile), Is.EqualTo("abcdefghi"));
        Assert.That(ReportText.Block(Hostile), Is.EqualTo("abcdefghi"));
    }

    [Test]
    public void Given_bidi_marks_and_invisible_characters_When_cleaned_Then_they_go_and_the_joiners_of_emoji_stay()
    {
        // Marks that reorder the text around them, zero-width spaces and word joiners, a byte order mark, and tag characters
        // (U+E0041, U+E0042), which show nothing and once spelled hidden text (a red team, stop 59).
        const string hidden = "a\u200eb\u200fc\u061cd\u200be\u2060f\u2063g\ufeffh\u180ei\U000E0041\U000E0042j";
        Assert.That(ReportText.Line(hidden), Is.EqualTo("abcdefghij"));
        Assert.That(ReportText.Block(hidden), Is.EqualTo("abcdefghij"));
        Assert.That(ReportText.Line("👩\u200d💻 \u200c"), Is.EqualTo("👩\u200d💻 \u200c"), "the joiners stay");
    }

    [Test]
    public void Given_a_name_with_line_breaks_and_tabs_When_made_a_line_Then_they_become_spaces()
    {
        Assert.That(ReportText.Line("x\n::notice title=hw3::Points 100/100\r\n.cs\tz\u2028y\u2029w\rv"),
            Is.EqualTo("x ::notice title=hw3::Points 100/100 .cs z y w v"));
    }

    [Test]
    public void Given_a_message_with_line_breaks_and_tabs_When_made_a_block_Then_newlines_and_tabs_stay_and_every_break_is_a_newline()
    {
        Assert.That(ReportText.Block("one\r\ntwo\rthree\u2028four\u2029five\n\tsix"), Is.EqualTo("one\ntwo\nthree\nfour\nfive\n\tsix"));
    }

    [Test]
    public void Given_terminal_escape_sequences_When_cleaned_Then_whole_sequences_go_and_the_text_between_stays()
    {
        Assert.That(ReportText.Block("\u001b[2J\u001b[1;31mred\u001b[0m \u001b[1A\u001b[2Kup \u009b31mc1 \u001b]0;title\u0007 \u001bcreset"),
            Is.EqualTo("red up c1 0;title creset"));
        Assert.That(ReportText.Line("trailing\u001b"), Is.EqualTo("trailing"));
        Assert.That(ReportText.Line("cut\u001b[12"), Is.EqualTo("cut"));
    }

    [Test]
    public void Given_surrogates_When_cleaned_Then_pairs_stay_and_lone_halves_become_replacement_characters()
    {
        Assert.That(ReportText.Line("ok 🙂 \ud800 \udc00"), Is.EqualTo("ok 🙂 \ufffd \ufffd"));
    }

    [Test]
    public void Given_text_past_the_limits_When_cleaned_Then_it_is_cut_to_them_saying_so_and_a_second_cleaning_changes_nothing()
    {
        var block = ReportText.Block(new string('b', 100_000));
        var line = ReportText.Line(new string('l', 5_000));

        Assert.That(block, Has.Length.EqualTo(ReportText.MaxBlockChars).And.EndWith(" … [cut: 100,000 characters in all]"));
        Assert.That(line, Has.Length.EqualTo(ReportText.MaxLineChars).And.EndWith(" … [cut: 5,000 characters in all]"));
        Assert.That((ReportText.Block(block), ReportText.Line(line)), Is.EqualTo((block, line)));
        Assert.That(ReportText.Block(new string('b', ReportText.MaxBlockChars)), Has.Length.EqualTo(ReportText.MaxBlockChars).And.Not.Contain("cut"));
    }

    [Test]
    public void Given_a_surrogate_pair_where_the_cut_falls_When_cut_Then_the_pair_is_not_split()
    {
        // The pair starts at the last index the cut would keep.
        var note = " … [cut: 2,000 characters in all]";
        var text = new string('x', ReportText.MaxLineChars - note.Length - 1) + "😀" + new string('y', 2_000 - ReportText.MaxLineChars + note.Length - 1);

        var line = ReportText.Line(text);

        Assert.That(text, Has.Length.EqualTo(2_000));
        Assert.That(line, Is.EqualTo(new string('x', ReportText.MaxLineChars - note.Length - 1) + note));
    }

    [Test]
    public void Given_a_surrogate_pair_where_a_table_line_or_any_other_cut_falls_When_cut_Then_the_pair_goes_whole()
    {
        // A table's first line keeps its first 64 characters, " … " and its last 93: the pair at the tail's first place goes whole.
        var line = new string('x', 100) + "😀" + new string('y', 91) + " and the end";
        Assert.That(ReportView.FirstLine(line), Is.EqualTo(new string('x', 64) + " … " + new string('y', 81) + " and the end"));
        Assert.That(ReportView.FirstLine(new string('x', 64) + "😀" + new string('y', 200)), Is.EqualTo(new string('x', 64) + " … " + new string('y', 93)),
            "a pair at the head's last place goes whole too");
        Assert.That(ReportView.FirstLine("short: got 1, expected 2"), Is.EqualTo("short: got 1, expected 2"));
    }

    [Test]
    public void Given_a_long_subject_and_a_long_hint_When_cut_for_a_table_line_Then_the_facts_between_them_stay_whole()
    {
        var subject = "Attention.Forward(x [2, 5, 8]) with a causal mask, the pattern of head 1 at every query and key position " + new string('s', 40);
        const string facts = "worst at [0, 3, 1], got 0.25, expected 0.5 (0.5 times the expected value)";
        var hint = ": is the softmax taken over the wrong axis, or the scale applied twice? " + new string('h', 80) + " the end";

        var line = ReportView.FirstLine(subject + ": " + facts + hint + "\ndetails");

        Assert.That(line, Has.Length.EqualTo(160).And.StartWith(subject[..64] + " … " + facts + ": is the softmax").And.EndWith("…"),
            "the subject's start, the facts whole, and the hint's start");
        Assert.That(ReportView.FirstLine("got 1, expected 2: " + new string('h', 200)), Is.EqualTo("got 1, expected 2: " + new string('h', 140) + "…"),
            "facts near the start: the line's start, to the limit");
        Assert.That(new[] { TextCut.Prefix("ab😀c", 2), TextCut.Prefix("ab😀c", 3), TextCut.Prefix("ab😀c", 4), TextCut.Prefix("ab😀c", 5), TextCut.Prefix("ab😀c", 0) },
            Is.EqualTo(new[] { "ab", "ab", "ab😀", "ab😀c", "" }));
    }

    [Test]
    public void Given_clean_text_When_cleaned_Then_it_is_returned_as_is()
    {
        const string text = "AttentionTests.Scores_AreDotProductsDividedBySqrtDHead: Expected 1 ± 1e-6, café → ok";

        Assert.That(ReportText.Line(text), Is.SameAs(text));
        Assert.That(ReportText.Block(null), Is.Empty);
    }

    [Test]
    public void Given_a_report_with_hostile_text_in_every_field_When_cleaned_Then_no_field_keeps_any()
    {
        var dirty = Dirty(RepresentativeReport.Graded());

        var clean = ReportText.Clean(dirty);

        var lines = new[] { clean.Assignment, clean.Title, clean.Summary, clean.Provenance.SubmissionSource, clean.Provenance.SubmissionCommit! }
            .Concat(clean.Tests.SelectMany(t => new[] { t.Name, t.FullName, t.Suite, t.Method ?? "" }))
            .Concat(clean.Annotations.SelectMany(a => new[] { a.File, a.Title }));
        var blocks = clean.Tests.SelectMany(t => new[] { t.Message, t.Output })
            .Concat(clean.Annotations.Select(a => a.Message));
        Assert.That(lines.Where(l => l.Any(c => ReportText.IsUnsafe(c) || c is '\n' or '\u2028')), Is.Empty);
        Assert.That(blocks.Where(b => b.Any(c => ReportText.IsUnsafe(c) && c is not ('\n' or '\t'))), Is.Empty);
        Assert.That(clean.Tests[0].Message, Does.Contain("\n::notice title=hw3-attention::Points 100/100"), "a message keeps its lines, as text");
        Assert.That(clean with { GradedAt = dirty.GradedAt }, Is.Not.EqualTo(dirty));
        Assert.That(ReportText.Clean(clean).Tests, Is.EqualTo(clean.Tests), "cleaning twice changes nothing");
    }

    [Test]
    public void Given_a_hostile_report_cleaned_When_written_in_every_format_Then_none_holds_a_control_character_or_an_escape()
    {
        var view = new ReportView(ReportText.Clean(Dirty(RepresentativeReport.Graded())), RevealHidden: true);
        var console = new TestConsole().Width(200);
        ConsoleReport.Write(console, view);

        var formats = new Dictionary<string, string>
        {
            ["console"] = console.Output,
            ["markdown"] = MarkdownReport.Write(view),
            ["json"] = JsonReport.Write(view.Report),
            ["classroom"] = ClassroomResult.Json(view),
            ["gradescope"] = GradescopeResults.Json(view),
            ["junit"] = JUnitReport.Write(view),
            ["commands"] = GitHubActionsReport.Commands(view),
        };

        JUnitSchemas.AssertValid(formats["junit"]);
        foreach (var (format, text) in formats)
        {
            Assert.That(text.Where(c => ReportText.IsUnsafe(c) && c is not ('\n' or '\t' or '\r')), Is.Empty, format);
            Assert.That(text, Does.Not.Match(@"\\u00(1[0-9a-fA-F]|0[0-8bcefBCEF]|[89][0-9a-fA-F]|7[fF])|\\u20(2[a-eA-E]|6[6-9])"), $"{format}: an escaped control character");
        }
    }

    /// <summary>The report with a file name's, a message's and an output's worth of hostile text in every field.</summary>
    internal static GradeReport Dirty(GradeReport report)
    {
        const string Name = "x\n::notice title=hw3-attention::Points 100/100\n\u001b[2J\u202e.cs";
        const string Text = "bad\u001b[31m\n::notice title=hw3-attention::Points 100/100\r\n##[add-mask]secret\u0000\u0007\u009b1m\u2066end";
        return report with
        {
            Assignment = report.Assignment + "\u0007",
            Title = report.Title + Name,
            Summary = report.Summary + " Ignored " + Name,
            Tests = [.. report.Tests.Select(t => t with
            {
                Name = t.Name + Name, FullName = t.FullName + Name, Suite = t.Suite + "\u001b[0m", Method = t.Method is null ? null : t.Method + "\r",
                Passed = false, Message = Text + t.Message, Output = Text + t.Output,
            })],
            Annotations = [.. report.Annotations.Select(a => a with { File = Name + a.File, Title = a.Title + Name, Message = Text })],
            Provenance = report.Provenance with { SubmissionSource = "https://host/a\n::b", SubmissionCommit = "abc\u001b[0m" },
        };
    }
}
