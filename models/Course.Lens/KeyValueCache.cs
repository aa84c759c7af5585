using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// The keys and values each layer's attention has computed so far, TransformerLens's
/// <c>HookedTransformerKeyValueCache</c>: with it, <see cref="HookedTransformer.forward(Tensor, KeyValueCache)"/> is fed
/// only the tokens after the cached ones, and each step of sampling costs one position instead of the whole prefix. For
/// sampling under <c>no_grad</c>: the cache owns its tensors (no dispose scope does) and frees the ones it replaces.
/// </summary>
public sealed class KeyValueCache(long n_layers) : IDisposable
{
    readonly KeyValueCacheEntry[] entries = [.. Enumerable.Range(0, (int)n_layers).Select(_ => new KeyValueCacheEntry())];

    /// <summary>Layer <paramref name="layer"/>'s keys and values.</summary>
    public KeyValueCacheEntry this[int layer] => entries[layer];

    /// <summary>How many positions are cached: where the next tokens' positions start.</summary>
    public long Length => entries[0].Length;

    /// <summary>Keeps only the batch rows <paramref name="rows"/> (int64 [kept]), in that order: a sampler's finished rows leave.</summary>
    public void Select(Tensor rows)
    {
        foreach (var entry in entries) entry.Select(rows);
    }

    public void Dispose()
    {
        foreach (var entry in entries) entry.Clear();
    }
}

/// <summary>One layer's part of a <see cref="KeyValueCache"/>: keys and values <c>[batch, head, pos, d_head]</c>, freed with the cache.</summary>
public sealed class KeyValueCacheEntry
{
    Tensor? keys, values; // [batch, head, pos, d_head]

    /// <summary>How many positions are cached.</summary>
    public long Length => keys?.shape[2] ?? 0;

    /// <summary>Appends the new positions' keys and values and returns all of them, the cached ones first.</summary>
    internal (Tensor Keys, Tensor Values) Append(Tensor k, Tensor v) // each [batch, head, new_pos, d_head]
    {
        Replace(keys is null ? k.clone() : cat([keys, k], 2), values is null ? v.clone() : cat([values, v], 2));
        return (keys!, values!);
    }

    internal void Select(Tensor rows)
    {
        if (keys is null || values is null) return;
        Replace(keys.index_select(0, rows), values.index_select(0, rows));
    }

    void Replace(Tensor newKeys, Tensor newValues)
    {
        Clear();
        (keys, values) = (newKeys.DetachFromDisposeScope(), newValues.DetachFromDisposeScope());
    }

    internal void Clear()
    {
        keys?.Dispose();
        values?.Dispose();
        (keys, values) = (null, null);
    }
}
