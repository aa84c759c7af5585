using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Course.Lens;

/// <summary>
/// What the hooked models share, TransformerLens's <c>HookedRootModule</c>: their hook points by name, and the start of
/// the residual stream from the token and positional embeddings, through <c>hook_embed</c> and <c>hook_pos_embed</c>.
/// </summary>
public abstract class HookedRootModule(string name) : Module<Tensor, Tensor>(name)
{
    readonly Dictionary<string, HookPoint> hookPoints = new(StringComparer.Ordinal);
    public readonly HookPoint hook_embed = new("hook_embed"), hook_pos_embed = new("hook_pos_embed");

    /// <summary>Every hook point by its TransformerLens name, in the order the forward pass reaches them.</summary>
    public IReadOnlyDictionary<string, HookPoint> HookPoints => hookPoints;

    /// <summary>
    /// Names the model's hook points, after <c>hook_embed</c> and <c>hook_pos_embed</c>, in the order the forward pass reaches
    /// them (TransformerLens's <c>setup</c>): the blocks' <paramref name="later"/>, which run only inside the model's forward
    /// pass (<see cref="HookPoint.OnlyInAPass"/>), then <paramref name="alsoAlone"/>, whose module may also run on its own (the
    /// final LayerNorm, which a logit lens applies to any layer's residual stream).
    /// </summary>
    protected void Setup(IEnumerable<HookPoint> later, IEnumerable<HookPoint>? alsoAlone = null)
    {
        foreach (var hook in later.Prepend(hook_pos_embed).Prepend(hook_embed))
        {
            hookPoints.Add(hook.Name, hook);
            (hook.Model, hook.OnlyInAPass) = (this, true);
        }
        foreach (var hook in alsoAlone ?? [])
        {
            hookPoints.Add(hook.Name, hook);
            hook.Model = this;
        }
    }

    /// <summary>
    /// Whether gradients were on when the forward pass now running began; null between passes. Every hook point checks that
    /// they still are (<see cref="HookPoint.Call"/>): a hook, or a module hook of TorchSharp's, that switched them off for part
    /// of a pass would show the hooks after it activations that do not require grad in a pass that builds a graph (a red team,
    /// stop 58, so passed the checks that a measure runs without gradients).
    /// </summary>
    internal bool? GradientsOfThePass { get; private set; }

    /// <summary>
    /// Whether a hook of the pass now running is running: its block hook points then refuse to run
    /// (<see cref="HookPoint.Call"/>), so a hook can read or replace its own activation, or run the whole model in a pass of
    /// its own, but not feed a block (and the hooks other code added to it) an activation of its choosing in the middle of
    /// the pass (a red team's open door, stop 59). Each pass has its own, as it has its own gradient mode.
    /// </summary>
    internal bool InAHook { get; set; }

    readonly List<PassWatch> watches = [];

    /// <summary>
    /// Records, until disposed, whether gradients were on as each forward pass of this model began
    /// (<see cref="PassWatch.GradientsOn"/>): the evidence a test judges "runs the model without gradients" by. The model
    /// records it itself, as a pass begins, and a pass keeps that mode to its end (<see cref="HookPoint.Call"/>, and
    /// <see cref="Pass"/> as it returns), so no hook can change what it says: a hook of the test's that read an activation's
    /// <c>requires_grad</c> could be shown one detached by another hook and the graph put back after it (a red team, stop 59).
    /// </summary>
    [NotForHomework("it watches the passes of a model for a test: a test records how its model runs, and homework code needs no record of that")]
    public PassWatch WatchPasses()
    {
        var watch = new PassWatch(this);
        lock (watches) watches.Add(watch);
        return watch;
    }

    internal void Unwatch(PassWatch watch)
    {
        lock (watches) watches.Remove(watch);
    }

    /// <summary>
    /// Runs one forward pass, noting whether gradients are on as it begins (<see cref="GradientsOfThePass"/>, and every
    /// <see cref="PassWatch"/>), after checking that the model runs what it lists (<see cref="ModelRegistry.Check"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Gradients were switched on or off by the time the pass returned.</exception>
    protected Tensor Pass(Func<Tensor> pass)
    {
        ModelRegistry.Check(this);
        var (outer, outerInAHook) = (GradientsOfThePass, InAHook); // a hook may run the model itself, in a mode of its own
        var began = is_grad_enabled();
        (GradientsOfThePass, InAHook) = (began, false);
        lock (watches) foreach (var watch in watches) watch.Record(began);
        try
        {
            var output = pass();
            if (is_grad_enabled() != began)
                throw new InvalidOperationException($"gradients were switched {(began ? "off" : "on")} inside the model's forward pass, by the time it returned: " +
                    HookPoint.OneModePerPass);
            return output;
        }
        finally
        {
            (GradientsOfThePass, InAHook) = (outer, outerInAHook);
        }
    }

    /// <summary>
    /// The blocks a model was made with, checked against what its <c>blocks</c> list holds now. The list is a TorchSharp
    /// <c>ModuleList</c>, which code holding the model can write into through <c>IList&lt;T&gt;</c>: a block put there would run
    /// without the hooks a test added to the one it replaced, and a forward pass that kept running the old blocks instead
    /// would part what runs from what <c>parameters()</c> lists (trained blocks behind untouched copies). So a model whose
    /// list changed does not run.
    /// </summary>
    /// <exception cref="InvalidOperationException">A block was added, removed or replaced since the model was made.</exception>
    protected static IReadOnlyList<T> MadeWith<T>(IReadOnlyList<T> made, IList<T> now) where T : class =>
        made.Count == now.Count && made.Select((block, l) => ReferenceEquals(block, now[l])).All(same => same) ? made
            : throw new InvalidOperationException("the model's blocks were changed (a block added, removed or replaced in blocks) since it was made: " +
                                                  "a hooked model runs only the blocks it was made with; change a block's weights, not the block");

    /// <summary>The hook point called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The model has no hook point of that name; the message lists a few that it has.</exception>
    public HookPoint Hook(string name) => hookPoints.TryGetValue(name, out var hook) ? hook
        : throw new KeyNotFoundException($"the model has no hook point '{name}'; it has e.g. {string.Join(", ", hookPoints.Keys.Take(8))}, ...");

    /// <summary>Detaches every hook from every hook point, whoever added it: for the tests only (see <see cref="HookPoint.RemoveHooks"/>).</summary>
    [NotForHomework(HookPoint.OthersHooks)]
    public void ResetHooks()
    {
        foreach (var hook in hookPoints.Values) hook.RemoveHooks();
    }

    /// <summary>
    /// The names of the hook points that hold a hook now, in the order the forward pass reaches them: empty once every hook
    /// is removed, as code that adds hooks for a run must leave the model.
    /// </summary>
    public IReadOnlyList<string> HookedPointNames() => [.. hookPoints.Values.Where(h => h.HookCount > 0).Select(h => h.Name)];

    /// <summary>
    /// <c>tokens [batch, pos] (int64, start + pos &lt;= n_ctx) → W_E[tokens] + W_pos[start:start + pos] [batch, pos, d_model]</c>,
    /// each through its hook; <paramref name="start"/> is the first token's position (after cached ones).
    /// </summary>
    protected Tensor EmbedTokens(Tensor tokens, Parameter W_E, Parameter W_pos, long start = 0)
    {
        long n_ctx = W_pos.shape[0];
        if (tokens.dim() != 2 || start + tokens.shape[1] > n_ctx)
            throw new ArgumentException($"tokens must be [batch, pos] with pos <= n_ctx = {n_ctx}{(start > 0 ? $" less the {start} cached positions" : "")}, " +
                $"got [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        var (batch, pos) = (tokens.shape[0], tokens.shape[1]);
        var embed = hook_embed.Call(W_E[tokens]); // [batch, pos, d_model]
        var pos_embed = hook_pos_embed.Call(W_pos[TensorIndex.Slice(start, start + pos)].unsqueeze(0).expand(batch, -1, -1)); // [batch, pos, d_model]
        return embed + pos_embed; // [batch, pos, d_model]
    }

    /// <summary>The parameters under TransformerLens's names, which are a checkpoint's tensor names (<c>embed.W_E</c>, <c>pos_embed.W_pos</c>, <c>unembed.W_U</c>, ...).</summary>
    public IEnumerable<(string Name, Parameter Parameter)> CheckpointParameters() =>
        named_parameters().Select(p => (p.name switch
        {
            "W_E" => "embed.W_E",
            "W_pos" => "pos_embed.W_pos",
            "W_U" => "unembed.W_U",
            "b_U" => "unembed.b_U",
            var other => other,
        }, p.parameter));
}
