namespace Course.Lens;

/// <summary>
/// Whether gradients were on as each forward pass of a hooked model began, from <see cref="HookedRootModule.WatchPasses"/>
/// until disposed; passes a hook runs inside another count too.
/// </summary>
public sealed class PassWatch : IDisposable
{
    readonly HookedRootModule model;
    readonly List<bool> gradientsOn = [];

    internal PassWatch(HookedRootModule model) => this.model = model;

    /// <summary>One entry per forward pass, in order: true where gradients were on as it began.</summary>
    public IReadOnlyList<bool> GradientsOn
    {
        get
        {
            lock (gradientsOn) return [.. gradientsOn];
        }
    }

    internal void Record(bool on)
    {
        lock (gradientsOn) gradientsOn.Add(on);
    }

    public void Dispose() => model.Unwatch(this);
}
