using Course.Lens;

namespace Hw9.Alignment.Plots;

/// <summary>
/// The labelled pairs both pictures learn from: 2000 pairs to train on and 500 held out (seed 100, 5% of the labels
/// flipped), as batches of chosen and rejected completions.
/// </summary>
sealed record PreferenceData(CharVocabulary Vocabulary, SequenceBatch Chosen, SequenceBatch Rejected, SequenceBatch HeldOutChosen, SequenceBatch HeldOutRejected)
{
    public static PreferenceData Load(CharVocabulary vocabulary)
    {
        var (train, heldOut) = PreferencePairs.TrainHeldOut(2000, 500, seed: 100);
        return new PreferenceData(vocabulary,
            SequenceBatch.Chosen(train, vocabulary), SequenceBatch.Rejected(train, vocabulary),
            SequenceBatch.Chosen(heldOut, vocabulary), SequenceBatch.Rejected(heldOut, vocabulary));
    }
}
