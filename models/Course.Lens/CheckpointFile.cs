using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Lens;

/// <summary>
/// Reads a safetensors checkpoint of float32 tensors (huggingface/safetensors: an 8-byte little-endian header size, a
/// JSON header of dtypes, shapes and byte offsets, then the data) and its string metadata.
/// </summary>
static class CheckpointFile
{
    /// <summary>The bytes of a checkpoint embedded in this library as <paramref name="resourceName"/>.</summary>
    public static byte[] Embedded(string resourceName)
    {
        using var stream = typeof(CheckpointFile).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"the library was built without its checkpoint ({resourceName})");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// The model a checkpoint holds: <paramref name="make"/> builds it from the config in the metadata, the stored tensors
    /// are copied into its parameters (<see cref="HookedRootModule.CheckpointParameters"/>) with their gradients off, and it
    /// is put in eval mode on <paramref name="device"/> (the CPU when null).
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint has no config, or not the model's number of tensors.</exception>
    public static (TModel Model, Dictionary<string, string> Metadata) Load<TModel>(byte[] file, Func<HookedTransformerConfig, TModel> make, Device? device)
        where TModel : HookedRootModule
    {
        var (tensors, metadata) = Read(file);
        var config = JsonSerializer.Deserialize<HookedTransformerConfig>(metadata["config"])
            ?? throw new InvalidDataException("the checkpoint has no config");
        var model = make(config);
        var parameters = model.CheckpointParameters().ToList();
        using (no_grad())
        {
            if (parameters.Count != tensors.Count)
                throw new InvalidDataException($"the checkpoint holds {tensors.Count} tensors, the model has {parameters.Count} parameters");
            foreach (var (name, parameter) in parameters)
            {
                using var stored = tensors[name];
                parameter.copy_(stored);
                parameter.requires_grad_(false);
            }
        }
        model.eval();
        if (device is not null) model.to(device);
        return (model, metadata);
    }

    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(byte[] file)
    {
        var headerSize = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));
        var dataStart = 8 + headerSize;
        using var header = JsonDocument.Parse(file.AsMemory(8, headerSize));
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (var item in entry.Value.EnumerateObject()) metadata[item.Name] = item.Value.GetString() ?? "";
                continue;
            }
            if (entry.Value.GetProperty("dtype").GetString() != "F32")
                throw new InvalidDataException($"checkpoint tensor {entry.Name} is not float32");
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var values = new float[(offsets[1] - offsets[0]) / sizeof(float)];
            Buffer.BlockCopy(file, dataStart + offsets[0], values, 0, offsets[1] - offsets[0]);
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("checkpoints are little-endian");
            tensors[entry.Name] = tensor(values).reshape(shape);
        }
        return (tensors, metadata);
    }
}
