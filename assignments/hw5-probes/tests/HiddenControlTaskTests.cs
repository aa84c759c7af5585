using Course.Lens.Agreement;
using Course.Testing;
using NUnit.Framework;
using static TorchSharp.torch;

namespace Hw5.Probes.HiddenTests;

/// <summary>
/// ControlTask.Labels' exact labels, replayed from the statement: <c>randperm(count)</c> on a CPU generator seeded with the
/// seed, label 1 for the forms at the first count / 2 shuffled places. The public test checks only properties (balanced, per
/// form, the seed's alone), which the inverse permutation and the complement of the labelling share (red team 11 overfitA 01, 03).
/// </summary>
public sealed class HiddenControlTaskTests : TorchTest
{
    [Test, Points(1)] // taken from ControlTaskTests.Labels_GiveEveryPromptItsSubjectsLabel_HalfTheNounFormsEach_TheSameForTheSameSeed
    public void Labels_AreTheStatementsDraw_TheFormsAtTheFirstHalfOfRandpermsPlacesGet1()
    {
        var prompts = AgreementPrompts.Sample(300, 550, Clause.ObjectRelative); // all 12 forms occur
        var forms = AgreementPrompts.NounForms;
        foreach (var seed in new long[] { 7, 3, 0, 12 })
        {
            var order = Randperm(forms.Count, seed);
            var positive = order.Take(forms.Count / 2).Select(i => forms[(int)i]).ToHashSet();
            var expected = prompts.Select(p => positive.Contains(p.Subject) ? 1.0 : 0.0).ToArray();

            var labels = ControlTask.Labels([.. prompts], seed).cpu().to_type(ScalarType.Float64).data<double>().ToArray();

            Assert.That(labels, Has.Length.EqualTo(prompts.Count), $"ControlTask.Labels(prompts, seed: {seed}) gives one label per prompt");
            if (labels.SequenceEqual(expected))
                continue;
            var got = prompts.Zip(labels).Where(p => p.Second == 1.0).Select(p => p.First.Subject).ToHashSet();
            var inverse = Enumerable.Range(0, forms.Count).Where(i => order[i] < forms.Count / 2).Select(i => forms[i]).ToHashSet();
            var likely = got.SetEquals(forms.Except(positive)) ? "the second half of the shuffled forms got 1: the first count / 2 get 1"
                : got.SetEquals(inverse) ? "form i got 1 where order[i] < count / 2 (the inverse permutation): the forms NounForms[order[0]] .. NounForms[order[count / 2 - 1]] get 1"
                : "shuffle the indices of NounForms with randperm(count, ScalarType.Int64, CPU, generator: new Generator((ulong)seed, CPU)), nothing else drawn from it first, and give 1 to the forms at its first count / 2 places";
            Assert.Fail($"ControlTask.Labels(prompts, seed: {seed}): the forms labelled 1 should be {{{string.Join(", ", forms.Where(positive.Contains))}}} " +
                $"(the forms at places 0 to {forms.Count / 2 - 1} of randperm({forms.Count}) on Generator({seed})), but were {{{string.Join(", ", forms.Where(got.Contains))}}}; likely: {likely}");
        }
    }

    static long[] Randperm(int count, long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        return randperm(count, ScalarType.Int64, CPU, generator: generator).data<long>().ToArray();
    }
}
