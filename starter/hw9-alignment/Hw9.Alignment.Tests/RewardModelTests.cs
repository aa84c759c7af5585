using Course.Lens;
using Course.Testing;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw9.Alignment.Tests;

public sealed class RewardModelTests : TorchTest
{
    static SequenceBatch Rows(CharVocabulary vocabulary, Device device) =>
        SequenceBatch.Of([(". the ", "birds sing ."), (". a ", "cat that sees the dogs runs ."), (". some ", "foxes wait .")], vocabulary).To(device);

    [Test, Points(4)]
    public void Forward_AppliesTheHeadToTheFinalLayerNormsOutput_AtEachRowsLastToken()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var batch = Rows(vocabulary, Device);
        // The head's weight and bias are the test's own, stored in the golden: a bias of 0.7, not the constructor's 0 (which
        // training never moves, since the Bradley–Terry loss sees only differences of rewards), so a forward that leaves the
        // bias out shows here. The expected rewards are the reference's on this head (a grade replays the test on a head of
        // other draws). The other public tests measure rewards with this forward, so this test is what pins them.
        using var seeded = new Seeded(913);
        using var golden = Golden.Open("reward_forward");
        long d_model = model.Config.d_model;
        var rewardModel = new RewardModel(model, seed: 911);
        var weight = golden.Input("head.weight", () => seeded.RandnCpu([1, d_model]) * 0.2); // [1, d_model]
        var bias = golden.Input("head.bias", () => full([1], 0.7f)); // [1]
        TestHead.Write(rewardModel, weight, bias);

        var actual = rewardModel.call(batch.Tokens, batch.Lengths);

        golden.AssertClose("rewards", actual, name: "RewardModel.forward on 3 rows of lengths 18, 33 and 19 with a head of the test's own, bias 0.7 [batch] " +
            "(head(ln_final.hook_normalized[row, lengths[row] - 1]), the head's bias included; the rows are padded to 33, so the last column is padding for two of them)");
    }

    [Test, Points(2)]
    public void Forward_GivesARowTheSameReward_HoweverMuchPaddingTheBatchAdds_AndWhenItsBatchIsScoredAgain()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var alone = SequenceBatch.Of([(". the ", "birds sing .")], vocabulary).To(Device);
        // A head of the test's own, as in the test above: the constructor's head would be the constructor's to choose (a head
        // left at zero makes every reward 0, which a forward returning zeros matches; red team 17, a01).
        long d_model = model.Config.d_model;
        var rewardModel = new RewardModel(model, seed: 912);
        using var seeded = new Seeded(914);
        TestHead.Write(rewardModel, d_model, seeded, Device);
        var padded = Rows(vocabulary, Device);
        using var _ = no_grad();
        // A hook of the caller's on the reward model's body: forward must leave it there, removing only its own reading hook.
        var embedCalls = 0;
        Tensor short_, padded_, again;
        using (rewardModel.Base.Hook("hook_embed").AddHook((_, _) => { embedCalls++; return null; }))
        {
            short_ = rewardModel.call(alone.Tokens, alone.Lengths);
            padded_ = rewardModel.call(padded.Tokens, padded.Lengths);
            again = rewardModel.call(padded.Tokens, padded.Lengths)[..1];

            Assert.That(embedCalls, Is.EqualTo(3),
                "calls of a hook the test put on the reward model's hook_embed during three RewardModel.forward calls: each runs Base once, so 3; " +
                "fewer means forward removed the caller's hook (remove only your own reading hook by disposing its handle, not with ResetHooks)");
            Assert.That(model.HookedPointNames(), Is.EqualTo(new[] { "hook_embed" }),
                "hook points of the reward model's body that hold a hook after three RewardModel.forward calls, with one test hook on hook_embed: " +
                "exactly that one; remove your reading hook once Base has run (using on the handle AddHook returns), and leave other hooks alone");
        }
        Assert.That(model.HookedPointNames(), Is.Empty,
            "hook points of the reward model's body that still hold a hook after three RewardModel.forward calls: remove the reading hook " +
            "once Base has run (using on the handle AddHook returns), or every call leaves one more hook on the model");
        // Equal rewards prove nothing if every reward is equal: the three sentences of the padded batch, distinct, get distinct
        // rewards from a drawn head (a forward that returns zeros, the bias alone or position 0, which every row shares, ties them).
        TensorAssert.Shape(padded_, [3], "RewardModel.forward's rewards of 3 rows [batch]");
        TestHead.AssertNotAllTied(padded_.to(ScalarType.Float64).cpu().data<double>().ToArray(), "3 distinct sentences in one batch padded to 33 tokens");
        TensorAssert.Close(padded_[..1], short_, name: "the reward of \". the |birds sing .\" in a batch padded to 33 tokens, against it alone (18 tokens)");
        TensorAssert.Close(again, short_, name: "the reward of \". the |birds sing .\" when its padded batch is scored a second time: leave the batch's Lengths as they were (lengths - 1, not lengths.sub_(1))");
    }

    [Test, Points(2)]
    public void Forward_LetsGradientsReachTheHead_AndNotTheFrozenModel()
    {
        var (model, vocabulary, _) = TinyGpt.Load(Device);
        var rewardModel = new RewardModel(model, seed: 913);
        var batch = Rows(vocabulary, Device);

        rewardModel.call(batch.Tokens, batch.Lengths).sum().backward();

        Assert.That(rewardModel.head.weight!.grad, Is.Not.Null, "head.weight.grad after backward: the reward must be computed from the head (no no_grad or detach around it)");
        Assert.That(rewardModel.head.weight!.grad!.abs().sum().ToDouble(), Is.GreaterThan(0), "head.weight.grad is all zeros");
        Assert.That(model.parameters().Where(p => p.grad is not null).Count(), Is.Zero, "parameters of the frozen tiny GPT that got a gradient");
    }
}
