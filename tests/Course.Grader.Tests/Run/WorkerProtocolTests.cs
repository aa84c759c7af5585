using Course.Grader.Run;

namespace Course.Grader.Tests.Run;

public class WorkerProtocolTests
{
    static readonly TestCaseSpec Spec = new("N.C.M", "M", "N.C", "N", new Dictionary<string, IReadOnlyList<string>> { ["Points"] = ["2.5"] }, null, 1);

    [Test]
    public void Given_a_result_line_When_parsed_with_its_nonce_Then_the_result_round_trips()
    {
        var sent = new TestCaseResult(Spec, TestOutcome.Failed, "boom", "at x", 0.25, "out");

        var line = WorkerProtocol.Format(new ResultMessage(sent), "abc");
        var parsed = WorkerProtocol.Parse("noise without a newline" + line, "abc");

        Assert.That(line, Does.StartWith("@@course-result abc {"));
        var result = ((ResultMessage)parsed!).Result;
        Assert.That(result with { Test = Spec }, Is.EqualTo(sent));
        Assert.That(result.Test.Points, Is.EqualTo(2.5));
        Assert.That(result.Test.Properties["Points"], Is.EqualTo(new[] { "2.5" }));
    }

    [TestCase("other", Description = "a forged line without the nonce")]
    [TestCase("abc", Description = "a torn line")]
    public void Given_a_line_that_is_not_the_workers_When_parsed_Then_it_is_ignored(string nonce)
    {
        var line = WorkerProtocol.Format(new StartMessage("N.C.M", false), "abc");
        var candidate = nonce == "abc" ? line[..^3] : line;

        Assert.That(WorkerProtocol.Parse(candidate, nonce == "abc" ? "abc" : "xyz"), Is.Null);
    }

    [Test]
    public void Given_a_run_command_When_formatted_and_parsed_Then_it_round_trips_on_one_line()
    {
        var sent = new RunCommand("/tmp/pool/run-1", ["Tests/Tests.dll"], ["N.C.Done", "N.C.Culprit(\"a\nb\")"], ["N.C"], ["N.C.Secret"]);

        var line = WorkerProtocol.FormatCommand(sent);
        var parsed = WorkerProtocol.ParseCommand(line);

        Assert.That(line, Does.Not.Contain("\n"));
        Assert.That((parsed!.Dir, parsed.Assemblies, parsed.Skip, parsed.Only, parsed.Later), Is.EqualTo((sent.Dir, sent.Assemblies, sent.Skip, sent.Only, sent.Later)));
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("{\"dir\":\"/tmp/pool/run-1\",\"assemblies\":[]}")]
    [TestCase("@@course-done - {}")]
    public void Given_a_line_that_is_no_run_command_When_parsed_Then_it_is_null(string line) =>
        Assert.That(WorkerProtocol.ParseCommand(line), Is.Null);
}
