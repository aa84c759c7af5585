using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw5.Probes;

/// <summary>
/// A control task (Hewitt and Liang 2019, "Designing and Interpreting Probes with Control Tasks"): the same inputs, but
/// each word type gets a label at random, so the labels carry no linguistic property. A probe that does well on the
/// control task is memorising word identity, not reading number; selectivity is what it gains on the real task.
/// </summary>
public static class ControlTask
{
    /// <summary>
    /// <c>[n]</c> float64 labels, 1 or 0: the subject noun forms (<see cref="AgreementPrompts.NounForms"/>: "dog" and
    /// "dogs" are different types) are shuffled with <c>randperm</c> on a CPU generator seeded with <paramref name="seed"/>,
    /// the first half of the shuffled forms get label 1 and the rest 0 (balanced, as the real labels are), and each
    /// prompt takes its subject's label. The same seed gives the same labels.
    /// </summary>
    public static Tensor Labels(IReadOnlyList<AgreementPrompt> prompts, long seed)
    {
        throw new NotImplementedException("ControlTask.Labels: shuffle the indices of NounForms with randperm(count, generator: new Generator(seed)); the forms at the first count / 2 shuffled places get 1; look up each prompt's Subject");
    }

    /// <summary>Selectivity: the real task's held-out accuracy minus the control task's.</summary>
    public static double Selectivity(double taskAccuracy, double controlAccuracy) => taskAccuracy - controlAccuracy;
}
