using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw bytes.
/// Tensors are written in key order, so the same tensors always give the same file.
/// </summary>
public static class SafeTensors
{
    public const string MetadataKey = "__metadata__";

    static readonly Dictionary<ScalarType, string> names = new()
    {
        [ScalarType.Float64] = "F64",
        [ScalarType.Float32] = "F32",
        [ScalarType.Float16] = "F16",
        [ScalarType.BFloat16] = "BF16",
        [ScalarType.Int64] = "I64",
        [ScalarType.Int32] = "I32",
        [ScalarType.Int16] = "I16",
        [ScalarType.Int8] = "I8",
        [ScalarType.Byte] = "U8",
        [ScalarType.Bool] = "BOOL",
    };

    static readonly Dictionary<string, ScalarType> types = names.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>A tensor as stored: dtype, shape and little-endian bytes.</summary>
    public sealed record Entry(ScalarType DType, long[] Shape, byte[] Data)
    {
        public static Entry From(Tensor tensor)
        {
            using var cpu = tensor.detach().cpu().contiguous();
            return new Entry(cpu.dtype, cpu.shape, cpu.bytes.ToArray());
        }

        /// <summary>A new CPU tensor holding these values.</summary>
        public Tensor ToTensor()
        {
            var tensor = empty(Shape, DType, CPU);
            tensor.bytes = Data;
            return tensor;
        }
    }

    public static void Write(string path, IReadOnlyDictionary<string, Entry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        Write(stream, tensors, metadata);
    }

    public static void Write(Stream stream, IReadOnlyDictionary<string, Entry> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header[MetadataKey] = new JsonObject(metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value))));
        long offset = 0;
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        foreach (var (key, entry) in ordered)
        {
            if (!names.TryGetValue(entry.DType, out var dtype))
                throw new NotSupportedException($"safetensors cannot hold dtype {entry.DType} ('{key}')");
            header[key] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(entry.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + entry.Data.Length),
            };
            offset += entry.Data.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var (_, entry) in ordered) stream.Write(entry.Data);
    }

    public static (Dictionary<string, Entry> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static (Dictionary<string, Entry> Tensors, Dictionary<string, string> Metadata) Read(Stream stream, string source = "stream")
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > 100_000_000) throw new InvalidDataException($"{source}: safetensors header of {headerLength} bytes is implausible");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var data = ms.ToArray();

        var tensors = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(headerBytes);
        foreach (var property in doc.RootElement.EnumerateObject())
        {
            if (property.Name == MetadataKey)
            {
                foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                continue;
            }
            var dtypeName = property.Value.GetProperty("dtype").GetString() ?? "";
            if (!types.TryGetValue(dtypeName, out var dtype))
                throw new InvalidDataException($"{source}: tensor '{property.Name}' has unsupported dtype {dtypeName}");
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > data.Length)
                throw new InvalidDataException($"{source}: tensor '{property.Name}' has bad data offsets");
            tensors[property.Name] = new Entry(dtype, shape, data[(int)offsets[0]..(int)offsets[1]]);
        }
        return (tensors, metadata);
    }
}
