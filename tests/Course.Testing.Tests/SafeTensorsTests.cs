using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing.Tests;

public class SafeTensorsTests : TorchTest
{
    [Test]
    public void GivenTensorsOfEveryDtype_WhenWrittenAndRead_ThenTheyRoundTripExactly()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = tensor(new[] { 1.5, -2.25, double.Epsilon }),
            ["f32"] = arange(6, dtype: ScalarType.Float32).reshape(2, 3) / 7,
            ["i64"] = tensor(new long[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = tensor(new[] { -1, 2 }),
            ["u8"] = tensor(new byte[] { 0, 255 }),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(3.0f),
            ["empty"] = zeros(0, 4),
        };
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, tensors.ToDictionary(kv => kv.Key, kv => SafeTensors.Entry.From(kv.Value)),
            new Dictionary<string, string> { ["origin"] = "test" });
        stream.Position = 0;

        var (read, metadata) = SafeTensors.Read(stream);

        Assert.That(metadata["origin"], Is.EqualTo("test"));
        Assert.That(read.Keys, Is.EquivalentTo(tensors.Keys));
        foreach (var (key, original) in tensors)
        {
            using var back = read[key].ToTensor();
            TensorAssert.Close(back, original, Tolerance.Exact, key);
        }
    }

    [Test]
    public void GivenATensor_WhenWritten_ThenTheFileFollowsTheSafetensorsLayout()
    {
        using var stream = new MemoryStream();
        SafeTensors.Write(stream, new Dictionary<string, SafeTensors.Entry> { ["w"] = SafeTensors.Entry.From(ones(2, 2)) });
        var bytes = stream.ToArray();

        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(headerLength % 8, Is.Zero, "the header is padded to 8 bytes");
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength));
        var w = header.RootElement.GetProperty("w");
        Assert.That(w.GetProperty("dtype").GetString(), Is.EqualTo("F32"));
        Assert.That(w.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(w.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()), Is.EqualTo(new long[] { 0, 16 }));
        Assert.That(bytes.Length, Is.EqualTo(8 + headerLength + 16));
        Assert.That(BitConverter.ToSingle(bytes, 8 + headerLength), Is.EqualTo(1f));
    }

    [Test]
    public void GivenTheSameTensors_WhenWrittenTwice_ThenTheBytesAreIdentical()
    {
        byte[] Write(params string[] order)
        {
            using var stream = new MemoryStream();
            SafeTensors.Write(stream, order.ToDictionary(k => k, k => SafeTensors.Entry.From(full(2, k.Length))));
            return stream.ToArray();
        }
        Assert.That(Write("b", "a", "ccc"), Is.EqualTo(Write("ccc", "a", "b")));
    }

    [Test]
    public void GivenCorruptOffsets_WhenRead_ThenTheErrorNamesTheTensor()
    {
        var json = Encoding.UTF8.GetBytes("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,64]}}");
        using var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        stream.Write(new byte[16]);
        stream.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(stream));
        Assert.That(ex!.Message, Does.Contain("'x' has bad data offsets"));
    }
}
