using System.Text;
using Course.Grader.Report;
using Course.Grader.Score;
using Snapshooter.NUnit;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Report;

public class MarkdownReportTests
{
    private static string Huge(string unit, int bytes) => new StringBuilder().Insert(0, unit + "\n", bytes / Encoding.UTF8.GetByteCount(unit + "\n")).ToString();

    private static int Count(string text, string value) => text.Split(value).Length - 1;

    private static int OpenFences(string markdown) => markdown.Split('\n').Count(line => line.StartsWith("```", StringComparison.Ordinal)) % 2;

    [Test]
    public void Given_a_representative_report_Then_the_markdown_matches_the_reviewed_snapshot()
    {
        Snapshot.Match(MarkdownReport.Write(new ReportView(RepresentativeReport.Graded(), RevealHidden: false)));
    }

    [TestCase(MarkdownReport.JobSummaryLimit)]
    [TestCase(MarkdownReport.CheckRunLimit)]
    public void Given_2_MB_of_failure_text_Then_the_markdown_fits_the_limit_and_keeps_the_score(int limit)
    {
        var report = Graded(Passed(Test("Forward_IsCausal", 2)), Failed(Test("Mask_HidesTheFuture", 3), Huge("Expected: 0 But was: 0.25", 2_000_000)));

        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false), limit);

        Assert.That(Encoding.UTF8.GetByteCount(markdown), Is.LessThanOrEqualTo(limit));
        Assert.That(markdown, Does.StartWith("## Attention from scratch (hw3-attention): 2/5 points\n"));
        Assert.That(markdown, Does.Contain("Details were cut to fit"));
        Assert.That(OpenFences(markdown), Is.Zero, "the cut must not leave a code block open");
        Assert.That(Count(markdown, "<details>"), Is.EqualTo(Count(markdown, "</details>")));
    }

    [TestCase("</details>")]
    [TestCase("<details><summary>x</summary>")]
    public void Given_a_cut_failure_whose_text_holds_a_details_tag_Then_the_cut_notice_is_outside_every_collapsed_section(string tag)
    {
        // A student's text, always fenced, says nothing about the sections this writer opened: only its own lines count.
        var report = Graded(Failed(Test("Mask_HidesTheFuture", 3), Huge($"Expected: 0 But was: 0.25\n{tag}", 2_000_000)));

        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false), MarkdownReport.CheckRunLimit);

        var notice = markdown.IndexOf("Details were cut to fit", StringComparison.Ordinal);
        Assert.That(notice, Is.GreaterThan(0));
        // As GitHub reads it: a tag inside a code block is text.
        bool inFence = false;
        int open = 0;
        foreach (var line in markdown[..notice].Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) inFence = !inFence;
            else if (!inFence && line.StartsWith("<details>", StringComparison.Ordinal)) open++;
            else if (!inFence && line == "</details>") open--;
        }
        Assert.That((inFence, open), Is.EqualTo((false, 0)), "the notice must sit outside every code block and collapsed section");
        Assert.That(Encoding.UTF8.GetByteCount(markdown), Is.LessThanOrEqualTo(MarkdownReport.CheckRunLimit));
    }

    [Test]
    public void Given_2_MB_of_non_ascii_failure_text_Then_the_job_summary_fits_1_MiB_in_utf8()
    {
        var report = Graded(Failed(Test("Tokenizer_Decodes", 3), Huge("期待値 ≠ 実際 ✅", 2_000_000)));

        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false));

        Assert.That(Encoding.UTF8.GetByteCount(markdown), Is.LessThanOrEqualTo(MarkdownReport.JobSummaryLimit));
        Assert.That(markdown, Does.Contain("0/3 points"));
    }

    [Test]
    public void Given_so_many_tests_that_the_table_alone_is_over_the_limit_Then_the_score_line_survives()
    {
        var report = Graded([.. Enumerable.Range(0, 2000).Select(i => Failed(Test($"Case_{i}_With_A_Rather_Long_Descriptive_Name", 1), "Expected: 0"))]);

        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false), MarkdownReport.CheckRunLimit);

        Assert.That(Encoding.UTF8.GetByteCount(markdown), Is.LessThanOrEqualTo(MarkdownReport.CheckRunLimit));
        Assert.That(markdown, Does.StartWith("## Attention from scratch (hw3-attention): 0/2000 points\n"));
    }

    [Test]
    public void Given_a_small_report_Then_nothing_is_cut()
    {
        var markdown = MarkdownReport.Write(new ReportView(RepresentativeReport.Graded(), RevealHidden: false), MarkdownReport.CheckRunLimit);

        Assert.That(markdown, Does.Not.Contain("Details were cut"));
    }

    [Test]
    public void Given_pipes_and_newlines_in_a_name_or_message_Then_table_cells_escape_them()
    {
        var report = Graded(Failed(Test("Shape_Is(2|3)", 1), "got [2|4]\r\nExpected: [2|3]"));

        var row = MarkdownReport.Write(new ReportView(report, RevealHidden: false)).Split('\n').Single(l => l.StartsWith("| ❌", StringComparison.Ordinal));

        Assert.That(row, Is.EqualTo(@"| ❌ | AttentionHeadTests.Shape_Is(2\|3) | 0/1 | got \[2\|4\] |"));
        Assert.That(MarkdownReport.Escape("a|b\r\nc\nd"), Is.EqualTo(@"a\|b c d"));
    }

    [Test]
    public void Given_underscore_emphasis_or_an_emoji_shortcode_in_a_message_Then_neither_renders_but_names_read_as_written()
    {
        // A red team's message (stop 52): bold and italics by underscores and a check-mark emoji in the feedback table.
        var report = Graded(Failed(Test("Decode_RoundTrips", 1), "__bold__ and _italic_ :white_check_mark: passed, snake_case_name"));

        var row = MarkdownReport.Write(new ReportView(report, RevealHidden: false)).Split('\n').Single(l => l.StartsWith("| ❌", StringComparison.Ordinal));

        Assert.That(row, Does.Contain(@"\_\_bold\_\_ and \_italic\_ :&#8203;white_check_mark: passed, snake_case_name"));
        Assert.That(row, Does.Contain("AttentionHeadTests.Decode_RoundTrips"), "an underscore inside a name stays as it is");
    }

    [Test]
    public void Given_a_mention_or_an_issue_reference_in_a_message_Then_it_is_shown_but_neither_notifies_nor_links()
    {
        // A tokenizer that returns "@instructor see org/repo#1": the test's failure message quotes it, and the feedback
        // comment would have mentioned @instructor (a notification in the course account's name) and cross-referenced the issue.
        var report = Graded(Failed(Test("Decode_RoundTrips", 1), "Expected: \"abc\" But was: \"@instructor see org/repo#1\""));

        var row = MarkdownReport.Write(new ReportView(report, RevealHidden: false)).Split('\n').Single(l => l.StartsWith("| ❌", StringComparison.Ordinal));

        Assert.That(row, Does.Contain("@&#8203;instructor see org/repo#&#8203;1"));
        Assert.That(row, Does.Not.Match("@[A-Za-z0-9]"), "no @ directly before a name");
    }

    /// <summary>GitHub's other issue shorthand and an emoji of digits, left by red teams (stops 59-61); a file's line stays as written.</summary>
    [TestCase("see GH-12 and gh-3", "see GH&#8203;-12 and gh&#8203;-3")]
    [TestCase(":100: done", ":&#8203;100: done")]
    [TestCase("at Head.cs:17, 12:30", "at Head.cs:17, 12:30")]
    [TestCase("HIGH-5 and GH-x", "HIGH-5 and GH-x")]
    public void Given_an_issue_shorthand_or_a_digit_emoji_When_escaped_Then_neither_links_nor_renders(string text, string escaped) =>
        Assert.That(MarkdownReport.Escape(text), Is.EqualTo(escaped));

    [Test]
    public void Given_markup_in_a_message_When_written_Then_it_shows_as_text_and_neither_links_nor_shows_an_image()
    {
        // What a red-team submission's exception messages held: a link dressed as a regrade, a picture of a score, named
        // character references that GitHub would turn into "@instructor" and "#1" past the zero-width spaces, a bare URL,
        // and code, bold and strike-through that would dress the message up as the grader's own words.
        const string message = "[Regrade: 100/100](https://evil.example/) ![badge](http://evil.example/100.svg) &commat;instructor &num;1 " +
                               "see www.evil.example `100/100` **passed** ~~failed~~ [^1] &lt;b&gt; $\\color{green}{passed}$";
        var report = Graded(Failed(Test("Decode_RoundTrips", 1), message));

        var row = MarkdownReport.Write(new ReportView(report, RevealHidden: false)).Split('\n').Single(l => l.StartsWith("| ❌", StringComparison.Ordinal));

        Assert.That(row, Does.Not.Match(@"(?<!\\)[\[\]`*~$]"), "every bracket, backtick, star, tilde and dollar escaped: no link, image, footnote, code, bold, strike-through or math");
        Assert.That(row, Does.Not.Match(@"&(?!amp;|lt;|gt;|#8203;)"), "no character reference but the escapes' own");
        Assert.That(row, Does.Not.Contain("://").And.Not.Contain("www."), "no bare URL for GitHub to link");
        Assert.That(row, Does.Contain(@"\[Regrade: 100/100\](https:&#8203;//evil.example/)").And.Contain(@"\*\*passed\*\*").And.Contain("&amp;lt;b&amp;gt;"),
            "the text itself is still shown, its start and its end (a table line keeps both)");
    }

    [Test]
    public void Given_a_failure_whose_name_holds_brackets_When_its_details_are_written_Then_the_raw_html_summary_shows_them_without_backslashes()
    {
        var report = Graded(Failed(Test("Shape_Is([2, 3])", 1), "got [2, 4]"));

        var markdown = MarkdownReport.Write(new ReportView(report, RevealHidden: false));

        // A <details> line is raw HTML to GitHub, which reads no Markdown escape there: HTML's own escapes only.
        Assert.That(markdown, Does.Contain("<details><summary>AttentionHeadTests.Shape_Is([2, 3])</summary>"));
        Assert.That(MarkdownReport.EscapeHtml("<b>@team</b> #1\r\nnext"), Is.EqualTo("&lt;b&gt;@\u200Bteam&lt;/b&gt; #\u200B1 next"));
    }

    [Test]
    public void Given_an_annotation_whose_file_holds_backticks_and_markup_When_written_Then_its_place_stays_one_code_span()
    {
        // A red team (stop 59) named a file this way with a #line directive, before compile errors took their real files: the
        // place left its code span and the rest rendered as bold text and a link under "In your code".
        var report = Graded(Failed(Test("Decode_RoundTrips", 1), "no")) with
        {
            Annotations = [new Annotation(AnnotationLevel.Failure, "Bigram.cs` **Regrade approved: 100/100** [link](https://evil.example) `", 7, 1, "error CS0029", "x")],
        };

        var line = MarkdownReport.Write(new ReportView(report, RevealHidden: false)).Split('\n').Single(l => l.StartsWith("- `", StringComparison.Ordinal));

        Assert.That(line, Does.StartWith("- `Bigram.cs' **Regrade approved: 100/100** [link](https://evil.example) ':7` **error CS0029**"), "one code span, which renders nothing inside it");
    }

    [Test]
    public void Given_hidden_tests_Then_only_their_count_is_shown_unless_revealed()
    {
        var report = RepresentativeReport.Graded();

        var withheld = MarkdownReport.Write(new ReportView(report, RevealHidden: false));
        var revealed = MarkdownReport.Write(new ReportView(report, RevealHidden: true));

        Assert.That(withheld, Does.Contain("| 🔒 | Hidden tests | | 2 of 3 hidden tests passed (6/11 points) |"));
        Assert.That(withheld, Does.Not.Contain("Training_").And.Not.Contain("Loss 2.31").And.Not.Contain("Generalises_"));
        Assert.That(revealed, Does.Contain("AttentionHeadTests.Training_Converges").And.Contain("Loss 2.31").And.Not.Contain("🔒"));
    }
}
