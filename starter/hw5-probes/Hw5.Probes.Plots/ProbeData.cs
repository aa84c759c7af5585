using Course.Lens;
using Course.Lens.Agreement;
using static TorchSharp.torch;

namespace Hw5.Probes.Plots;

/// <summary>
/// What the probe pictures read, built as the hidden tests build it: 300 training and 150 test prompts of each
/// relative-clause kind (disjoint by text), and YOUR <see cref="ProbeDataset.ResidualsAtVerb"/> of each half.
/// </summary>
/// <param name="TrainX"><c>[component, 600, d_model]</c>: the residual stream at the verb.</param>
/// <param name="TrainY"><c>[600]</c>: 1 for a plural subject.</param>
/// <param name="TestX"><c>[component, 300, d_model]</c>.</param>
/// <param name="TestY"><c>[300]</c>.</param>
/// <param name="Labels">The components: <c>0_pre</c>, <c>0_mid</c>, <c>1_pre</c>, <c>1_mid</c>, <c>final_post</c>.</param>
sealed record ProbeData(Tensor TrainX, Tensor TrainY, Tensor TestX, Tensor TestY, IReadOnlyList<string> Labels,
    IReadOnlyList<AgreementPrompt> Train, IReadOnlyList<AgreementPrompt> Test, AgreementBatch TestBatch)
{
    public static ProbeData Load(HookedTransformer model, CharVocabulary vocabulary)
    {
        var subject = AgreementPrompts.TrainTest(300, 150, 600, Clause.SubjectRelative);
        var @object = AgreementPrompts.TrainTest(300, 150, 700, Clause.ObjectRelative);
        var train = subject.Train.Concat(@object.Train).ToList();
        var test = subject.Test.Concat(@object.Test).ToList();
        var (trainBatch, testBatch) = (AgreementBatch.Of(train, vocabulary), AgreementBatch.Of(test, vocabulary));
        return new ProbeData(
            ProbeDataset.ResidualsAtVerb(model, trainBatch), ProbeDataset.Labels(trainBatch),
            ProbeDataset.ResidualsAtVerb(model, testBatch), ProbeDataset.Labels(testBatch),
            ResidLabels((int)model.Config.n_layers), train, test, testBatch);
    }

    /// <summary>TransformerLens's labels of <c>accumulated_resid(incl_mid=True)</c>.</summary>
    static IReadOnlyList<string> ResidLabels(int layers) =>
        [.. Enumerable.Range(0, layers).SelectMany(l => new[] { $"{l}_pre", $"{l}_mid" }), "final_post"];
}
