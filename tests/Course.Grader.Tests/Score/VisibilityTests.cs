using Course.Grader.Manifest;
using Course.Grader.Score;
using static Course.Grader.Tests.Score.ScoreInputs;

namespace Course.Grader.Tests.Score;

public class VisibilityTests
{
    [TestCase(null, TestVisibility.Visible)]
    [TestCase("visible", TestVisibility.Visible)]
    [TestCase("hidden", TestVisibility.Hidden)]
    [TestCase("after_due_date", TestVisibility.AfterDueDate)]
    public void Given_a_visibility_attribute_Then_the_test_has_that_visibility(string? attribute, TestVisibility expected)
    {
        Assert.That(ScoreStage.VisibilityOf(Test("Forward_IsCausal", visibility: attribute), Hw3Manifest()), Is.EqualTo(expected));
    }

    [Test]
    public void Given_a_manifest_override_Then_it_wins_over_the_attribute()
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride> { [$"{Fixture}.Forward_IsCausal"] = new(null, TestVisibility.Visible) });

        Assert.That(ScoreStage.VisibilityOf(Test("Forward_IsCausal", visibility: "hidden"), manifest), Is.EqualTo(TestVisibility.Visible));
    }

    [TestCase(null, TestVisibility.Hidden)]
    [TestCase("visible", TestVisibility.Hidden)]
    [TestCase("hidden", TestVisibility.Hidden)]
    [TestCase("after_due_date", TestVisibility.AfterDueDate)]
    public void Given_a_test_of_the_hidden_tests_Then_it_is_hidden_unless_it_says_after_due_date(string? attribute, TestVisibility expected)
    {
        Assert.That(ScoreStage.VisibilityOf(Test("Forward_IsCausal", visibility: attribute) with { InHiddenSuite = true }, Hw3Manifest()), Is.EqualTo(expected));
    }

    [TestCase(TestVisibility.Visible, TestVisibility.Hidden)]
    [TestCase(TestVisibility.AfterDueDate, TestVisibility.AfterDueDate)]
    public void Given_a_test_of_the_hidden_tests_When_the_manifest_overrides_its_visibility_Then_only_after_due_date_shows_it(TestVisibility declared, TestVisibility expected)
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride> { [$"{Fixture}.Forward_IsCausal"] = new(null, declared) });

        Assert.That(ScoreStage.VisibilityOf(Test("Forward_IsCausal") with { InHiddenSuite = true }, manifest), Is.EqualTo(expected));
    }

    [Test]
    public void Given_an_override_by_method_name_Then_every_case_takes_it()
    {
        var manifest = Hw3Manifest(overrides: new Dictionary<string, TestOverride> { [$"{Fixture}.Softmax_SumsToOne"] = new(null, TestVisibility.Hidden) });

        var report = ScoreStage.Score(Input(Cases("Softmax_SumsToOne", 2, points: 2).Select(c => Passed(c)), manifest));

        Assert.That(report.Tests.Select(t => t.Visibility), Is.All.EqualTo(TestVisibility.Hidden));
    }
}
