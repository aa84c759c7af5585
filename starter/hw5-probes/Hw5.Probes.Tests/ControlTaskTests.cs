using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.Tests;

public sealed class ControlTaskTests : TorchTest
{
    [Test, Points(2)]
    public void Labels_GiveEveryPromptItsSubjectsLabel_HalfTheNounFormsEach_TheSameForTheSameSeed()
    {
        var prompts = AgreementPrompts.Sample(300, 550, Clause.ObjectRelative);

        var first = ControlTask.Labels(prompts, seed: 7);
        Assert.That(first.dtype, Is.EqualTo(ScalarType.Float64), "ControlTask.Labels returns float64 labels, as the probes' labels are");
        var labels = Values(first);

        var byForm = prompts.Select((p, i) => (p.Subject, Label: labels[i])).GroupBy(p => p.Subject).ToList();
        Assert.That(labels, Is.All.EqualTo(0.0).Or.EqualTo(1.0), "labels are 1 or 0");
        Assert.That(byForm.Where(g => g.Select(p => p.Label).Distinct().Count() > 1).Select(g => g.Key), Is.Empty, "noun forms whose prompts got different labels");
        Assert.That(byForm.Count(g => g.First().Label == 1.0), Is.EqualTo(AgreementPrompts.NounForms.Count / 2), "noun forms labelled 1 (all 12 forms occur in 300 prompts)");
        Assert.That(Values(ControlTask.Labels(prompts, seed: 7)), Is.EqualTo(labels), "the same seed gives the same labels");
        var some = prompts.Take(40).Reverse().ToList();
        Assert.That(Values(ControlTask.Labels(some, seed: 7)), Is.EqualTo(labels.Take(40).Reverse().ToArray()),
            "a noun form's label depends on the seed only, not on which prompts are given or their order (shuffle NounForms, not the prompts' subjects)");
        var split = Enumerable.Range(7, 5).Count(seed =>
        {
            var formLabels = prompts.Zip(Values(ControlTask.Labels(prompts, seed))).GroupBy(p => p.First.Subject).ToDictionary(g => g.Key, g => g.First().Second);
            return AgreementPrompts.NounPairs.Any(pair => formLabels[pair.One] != formLabels[pair.Many]);
        });
        Assert.That(split, Is.GreaterThan(0), "over seeds 7 to 11, the two forms of a noun (dog, dogs) never got different labels: each of the 12 forms is a type of its own");
        Assert.That(Enumerable.Range(8, 5).Count(seed => !Values(ControlTask.Labels(prompts, seed)).SequenceEqual(labels)), Is.GreaterThan(0),
            "seeds of 8 to 12 whose labels differ from seed 7's (none: shuffle the noun forms with a generator of the seed given)");
    }

    static double[] Values(Tensor labels) => labels.cpu().to_type(ScalarType.Float64).data<double>().ToArray();
}
