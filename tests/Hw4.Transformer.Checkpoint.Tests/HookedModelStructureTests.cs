using Course.Lens;
using TorchSharp;
using static TorchSharp.torch;

namespace Hw4.Transformer.Checkpoint.Tests;

/// <summary>
/// The hooked models of models/Course.Lens run the blocks they were made with. Their <c>blocks</c> is a TorchSharp
/// <c>ModuleList</c>, which code holding the model can write a block into through <c>IList&lt;T&gt;</c>; a test that hooked
/// a model and gave it to homework code would otherwise see none of the runs that went through a block put in its place
/// (a red team, stop 58, did so with a hook it removed instead).
/// </summary>
public sealed class HookedModelStructureTests
{
    static HookedTransformerConfig Small => new(d_model: 8, n_layers: 2, n_heads: 2, d_head: 4, d_mlp: 16, d_vocab: 5, n_ctx: 6);

    static Tensor Tokens => tensor(new long[,] { { 1, 2, 3, 4 } });

    [Test]
    public void Given_a_block_written_into_a_HookedTransformer_s_blocks_When_it_runs_Then_the_block_it_was_made_with_runs_with_its_hooks()
    {
        using var scope = NewDisposeScope();
        var model = new HookedTransformer(Small);
        Tensor before;
        using (no_grad()) before = model.call(Tokens);
        var fired = 0;
        using var hook = model.Hook("blocks.1.hook_resid_post").AddHook((_, _) => { fired++; return null; });

        ((IList<TransformerBlockHooked>)model.blocks)[1] = new TransformerBlockHooked(Small, 1);
        Tensor after;
        using (no_grad()) after = model.call(Tokens);

        Assert.That(fired, Is.EqualTo(1), "the hook on the block the model was made with fired in its run");
        Assert.That(after.allclose(before, rtol: 0, atol: 0), Is.True, "the logits of the blocks the model was made with");
    }

    [Test]
    public void Given_a_block_written_into_a_HookedAttnOnlyTransformer_s_blocks_When_it_runs_Then_the_block_it_was_made_with_runs_with_its_hooks()
    {
        using var scope = NewDisposeScope();
        var config = Small with { attn_only = true };
        var model = new HookedAttnOnlyTransformer(config);
        Tensor before;
        using (no_grad()) before = model.call(Tokens);
        var fired = 0;
        using var hook = model.Hook("blocks.1.hook_resid_post").AddHook((_, _) => { fired++; return null; });

        ((IList<AttnOnlyBlockHooked>)model.blocks)[1] = new AttnOnlyBlockHooked(config, 1);
        Tensor after;
        using (no_grad()) after = model.call(Tokens);

        Assert.That(fired, Is.EqualTo(1), "the hook on the block the model was made with fired in its run");
        Assert.That(after.allclose(before, rtol: 0, atol: 0), Is.True, "the logits of the blocks the model was made with");
    }
}
