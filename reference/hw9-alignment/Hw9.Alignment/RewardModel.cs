using Course.Lens;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Hw9.Alignment;

/// <summary>
/// A reward model in the manner of Ziegler et al. (2019) and Ouyang et al. (2022): the frozen tiny GPT, and a scalar head
/// on its last residual stream (the final LayerNorm's output, <c>ln_final.hook_normalized</c>) at each sequence's last
/// token. Only <see cref="head"/> is trained.
/// </summary>
public sealed class RewardModel : Module<Tensor, Tensor, Tensor>
{
    public readonly Linear head; // d_model → 1

    /// <summary>The tiny GPT the head reads; its parameters are frozen (requires_grad false).</summary>
    public HookedTransformer Base { get; }

    /// <summary>A head of zero bias and weights drawn from N(0, 1/d_model) with <paramref name="seed"/>, on <paramref name="baseModel"/>'s device.</summary>
    public RewardModel(HookedTransformer baseModel, long seed) : base(nameof(RewardModel))
    {
        Base = baseModel;
        foreach (var parameter in baseModel.parameters()) parameter.requires_grad = false;
        long d_model = baseModel.Config.d_model;
        head = Linear(d_model, 1);
        using (no_grad())
        {
            using var generator = new Generator((ulong)seed, CPU);
            head.weight!.copy_(normal(0, 1.0 / Math.Sqrt(d_model), [1, d_model], generator: generator));
            head.bias!.zero_();
        }
        RegisterComponents();
        head.to(baseModel.W_E.device);
    }

    /// <summary>
    /// <c>tokens [batch, pos]</c> and <c>lengths [batch]</c> (each row's length; its last token is at lengths - 1) →
    /// rewards <c>[batch]</c>: the head applied to <c>ln_final.hook_normalized</c> at each row's last token. Leaves no hook
    /// on <see cref="Base"/>: remove the reading hook once Base has run (dispose its handle), or every call adds one more.
    /// </summary>
    public override Tensor forward(Tensor tokens, Tensor lengths)
    {
        // BEGIN SOLUTION: read ln_final.hook_normalized [batch, pos, d_model] with a reading hook while Base runs, take each row's position lengths - 1 (gather along pos), apply head and drop its last axis
        Tensor? normalized = null;
        using (Base.Hook("ln_final.hook_normalized").AddHook((activation, _) => { normalized = activation; return null; }))
            Base.call(tokens);
        var last = (lengths - 1).view(-1, 1, 1).expand(-1, 1, normalized!.shape[2]); // [batch, 1, d_model]
        var final = normalized.gather(1, last).squeeze(1); // [batch, d_model]
        return head.call(final).squeeze(-1); // [batch]
        // END SOLUTION
    }

    /// <summary>The head's parameters: what reward training optimises.</summary>
    public IEnumerable<Parameter> HeadParameters() => head.parameters();
}
