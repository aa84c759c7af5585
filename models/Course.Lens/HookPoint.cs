using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// What a hook does with an activation: return null to leave it as it is (a reading hook), or a tensor of the same shape
/// to use instead (a replacing hook), as TransformerLens's hook functions return None or a tensor.
/// </summary>
public delegate Tensor? HookFunction(Tensor activation, HookPoint hook);

/// <summary>
/// A named point in the forward pass where hooks can read or replace an activation, TransformerLens's
/// <c>HookPoint</c>. Without hooks it is the identity. Hooks run in the order they were added, each on the output of
/// the one before.
/// </summary>
public sealed class HookPoint(string name)
{
    readonly List<HookFunction> hooks = [];

    /// <summary>The TransformerLens name, e.g. <c>blocks.0.attn.hook_pattern</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The model whose forward pass runs this point, once it has named its hook points.</summary>
    internal HookedRootModule? Model { get; set; }

    /// <summary>
    /// Whether this point runs only inside its model's forward pass: a block's, whose module called on its own would feed
    /// the hooks other code added to the model activations of the caller's choosing, and would run outside the pass's
    /// gradient mode (a red team, stop 59, so ran a test's model block by block). Not the final LayerNorm's, which a logit
    /// lens applies on its own.
    /// </summary>
    internal bool OnlyInAPass { get; set; }

    /// <summary>How many hooks are attached now.</summary>
    public int HookCount => hooks.Count;

    /// <summary>Attaches <paramref name="hook"/> until the handle is disposed or <see cref="RemoveHooks"/> is called.</summary>
    public IDisposable AddHook(HookFunction hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        hooks.Add(hook);
        return new Handle(this, hook);
    }

    /// <summary>
    /// Detaches every hook of this point, whoever added it. For the tests only: homework code that removed the hooks its
    /// caller had added would change the caller's run (a red team, stop 58, removed a test's own recording hook).
    /// </summary>
    [NotForHomework(OthersHooks)]
    public void RemoveHooks() => hooks.Clear();

    /// <summary>
    /// The activation after every hook has seen it, in order: what the model's forward pass runs at this point. Not for
    /// homework code, which would feed the hooks other code added an activation of its choosing (a red team, stop 58, fed a
    /// test's recording hook one that did not require grad).
    /// </summary>
    /// <exception cref="ArgumentException">A hook returned a tensor of another shape.</exception>
    [NotForHomework(OthersHooks)]
    public Tensor Call(Tensor activation)
    {
        if (OnlyInAPass && Model is { GradientsOfThePass: null })
            throw new InvalidOperationException($"{Name} runs only inside its model's forward pass, and a block (or a part of one) was called on its own: " +
                "run the whole model (model.call(tokens)), and read or replace activations with hooks (AddHook)");
        if (OnlyInAPass && Model is { InAHook: true })
            throw new InvalidOperationException($"{Name} runs only as its model's forward pass reaches it, and a block (or a part of one) was called from inside a hook: " +
                "a hook may read or replace its own activation, or run the whole model (model.call(tokens)), not a block");
        GradientsAsThePassBegan();
        foreach (var hook in hooks.ToList())
        {
            var replaced = RunHook(hook, activation);
            GradientsAsThePassBegan();
            if (replaced is not { } replacement) continue;
            if (!replacement.shape.SequenceEqual(activation.shape))
                throw new ArgumentException($"a hook on {Name} returned shape [{string.Join(", ", replacement.shape)}] " +
                    $"for an activation of shape [{string.Join(", ", activation.shape)}]: a replacing hook must keep the shape");
            activation = replacement;
        }
        return activation;
    }

    /// <summary>Runs one hook, with the model's pass marked as inside a hook (<see cref="HookedRootModule.InAHook"/>).</summary>
    Tensor? RunHook(HookFunction hook, Tensor activation)
    {
        if (Model is not { } model) return hook(activation, this);
        var outer = model.InAHook;
        model.InAHook = true;
        try
        {
            return hook(activation, this);
        }
        finally
        {
            model.InAHook = outer;
        }
    }

    /// <exception cref="InvalidOperationException">Gradients were switched on or off since the model's forward pass began.</exception>
    void GradientsAsThePassBegan()
    {
        if (Model?.GradientsOfThePass is { } began && is_grad_enabled() != began)
            throw new InvalidOperationException($"gradients were switched {(began ? "off" : "on")} inside the model's forward pass, by the time it reached {Name}: " +
                OneModePerPass);
    }

    internal const string OneModePerPass =
        "a hook (or a module hook) may read or replace an activation, not turn gradients on or off for part of a pass; run the whole pass " +
        "under no_grad() (or enable_grad()) instead, from outside the model";

    public override string ToString() => Name;

    internal const string OthersHooks =
        "it runs or removes the hooks other code added to the model (the caller's, a test's). Add your own with AddHook, remove each by " +
        "disposing the handle AddHook returned (a using block), and let the model's forward pass run them.";

    sealed class Handle(HookPoint point, HookFunction hook) : IDisposable
    {
        public void Dispose() => point.hooks.Remove(hook);
    }
}
