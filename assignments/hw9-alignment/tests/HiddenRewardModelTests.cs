using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.HiddenTests;

public sealed class HiddenRewardModelTests : TorchTest
{
    // A body of another width than the tiny GPT's 64 (with the tiny GPT's vocabulary size and context), so a d_model written in
    // as 64 shows; its weights are drawn from the test's own generator on the CPU, not the init's.
    static HookedTransformerConfig Narrow(long d_vocab) =>
        new(d_model: 24, n_layers: 1, n_heads: 2, d_head: 12, d_mlp: 48, d_vocab: d_vocab, n_ctx: 64);

    // The tiny GPT's characters in the reverse order (the unknown character kept at 0): the padding ' ' is not at the tiny
    // GPT's id 1 here, so a row's end found from a padding id written in as 1 shows. The body is random, so any order does.
    static CharVocabulary Reversed(CharVocabulary tiny) =>
        new(tiny.Decode([0, .. Enumerable.Range(1, (int)tiny.Size - 1).Reverse().Select(id => (long)id)]));

    static HookedTransformer RandomBody(Seeded seeded, long d_vocab, Device device)
    {
        var model = new HookedTransformer(Narrow(d_vocab));
        using (no_grad())
        {
            foreach (var (_, parameter) in model.named_parameters()) parameter.copy_(seeded.Randn(parameter.shape) * 0.5);
        }
        model.to(device);
        return model;
    }

    // 1 point, taken from the public Forward_AppliesTheHeadToTheFinalLayerNormsOutput_AtEachRowsLastToken (5 → 4).
    // The body is a fresh model whose parameters require grad (the loaded tiny GPT's do not), so the constructor's freezing
    // shows; a vocabulary of its own puts the padding at another id, and one row ends in the padding character.
    [Test, Points(1)]
    public void OnABodyOfAnotherWidthAndVocabulary_TheConstructorFreezesTheBody_DrawsTheHeadForItsDModel_AndForwardReadsItsFinalLayerNormAtLengthsMinusOne()
    {
        const long seed = 972, d_model = 24;
        using var seeded = new Seeded(971);
        var tiny = TinyGpt.Load().Vocabulary;
        var vocabulary = Reversed(tiny);
        var padding = vocabulary.Id(SequenceBatch.Padding);
        Assert.That(padding, Is.Not.EqualTo(tiny.Id(SequenceBatch.Padding)), "the test's vocabulary moves the padding ' ' off the tiny GPT's id");
        var body = RandomBody(seeded, vocabulary.Size, Device);
        var trainable = body.parameters().Count(p => p.requires_grad);
        Assert.That(trainable, Is.GreaterThan(0), "parameters of the test's random body that require grad before it is given to new RewardModel");
        // The last row is a completion that ends in the padding character, as one cut off at n_ctx can; its Lengths count that ' '.
        var batch = SequenceBatch.Of([(". the ", "birds sing ."), (". a ", "cat that sees the dogs runs ."), (". some ", "foxes wait ."), (". the ", "dogs run ")],
            vocabulary).To(Device);
        // The body's activations before homework code has it: ln_final's output at each row's last token [batch, d_model].
        Tensor? normalized = null;
        Tensor last;
        using (no_grad())
        {
            using (body.Hook("ln_final.hook_normalized").AddHook((a, _) => { normalized = a.clone(); return null; }))
                body.call(batch.Tokens);
            var lengths = batch.Lengths.cpu().data<long>().ToArray();
            last = stack(lengths.Select((length, row) => normalized![row, length - 1]).ToArray()); // [batch, d_model]
        }
        Tensor initial;
        using (var init = new Generator((ulong)seed, CPU))
            initial = normal(0, 1.0 / Math.Sqrt(d_model), [1, d_model], generator: init).to(Device); // [1, d_model]
        var (weight, bias) = (seeded.Randn([1, d_model]) * 0.2, full([1], 0.7f, device: Device)); // [1, d_model], [1]
        var expected = last.matmul(weight.t()).squeeze(-1) + bias; // [batch]

        var rewardModel = new RewardModel(body, seed);

        Assert.That(body.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name), Is.Empty,
            $"parameters of the body that still require grad after new RewardModel(body, seed), on a body whose {trainable} parameters all did: " +
            "the constructor freezes Base (requires_grad = false on each of its parameters, the given line), so only the head is trained and no reward carries a graph through the GPT");

        TensorAssert.Close(rewardModel.head.weight!.detach(), initial,
            name: $"the head's initial weight of new RewardModel(a random body of d_model {d_model}, seed: {seed}): Linear(d_model, 1) for the body's own " +
            $"d_model (baseModel.Config.d_model, not the tiny GPT's 64), weights N(0, 1/d_model) drawn with new Generator(seed, CPU): a variance of 1/d_model, " +
            $"so a standard deviation of 1/√{d_model} = {1 / Math.Sqrt(d_model):F3}, not 1/{d_model} = {1.0 / d_model:F3}");
        Assert.That(rewardModel.head.bias!.abs().max().ToDouble(), Is.EqualTo(0), $"the head's initial bias on a body of d_model {d_model}: zero");
        TestWeights.Write([("RewardModel.head.weight", rewardModel.head.weight, weight), ("RewardModel.head.bias", rewardModel.head.bias, bias)]);
        var actual = rewardModel.call(batch.Tokens, batch.Lengths);

        TensorAssert.Close(actual[..3], expected[..3], name: $"RewardModel.forward on a random body of d_model {d_model}, rows 0-2 (lengths 18, 33 and 19, padded to 33) of 4, a head of the test's own " +
            "with bias 0.7 [batch]: head(ln_final.hook_normalized[row, lengths[row] - 1]), every size read from the activation or the body's Config, none written in as the tiny GPT's, " +
            $"and each row's end read from lengths, not from the tokens (this body's vocabulary puts the padding ' ' at id {padding}, not the tiny GPT's 1)");
        TensorAssert.Close(actual[3..], expected[3..], name: "RewardModel.forward's row 3, \". the |dogs run \" of length 15, which ends in the padding character ' ' " +
            "(as a completion cut off at n_ctx can), its Lengths counting it: the reward is head(ln_final.hook_normalized[3, lengths[3] - 1]), at that ' ', " +
            "not at the last token that is not padding (the 'n' before it); read each row's end from lengths");
    }
}
