using System.Text;
using Course.Grader.Sandbox;

namespace Course.Worker.Sandbox;

/// <summary>
/// Carries the layers the worker's first start applied to the re-executed worker, on its command line
/// (base64 of unit- and record-separated fields: no JSON serializer to load in the first start).
/// </summary>
static class SandboxReport
{
    const char FieldSeparator = '\u001f', LayerSeparator = '\u001e';

    public static string Encode(IEnumerable<SandboxLayer> layers) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join(LayerSeparator,
            layers.Select(l => string.Join(FieldSeparator, l.Name, l.Active ? "1" : "0", l.Detail)))));

    /// <exception cref="FormatException">Not what <see cref="Encode"/> writes.</exception>
    public static IReadOnlyList<SandboxLayer> Decode(string encoded)
    {
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        return text.Length == 0 ? [] : text.Split(LayerSeparator).Select(layer =>
        {
            var fields = layer.Split(FieldSeparator);
            return fields.Length == 3 ? new SandboxLayer(fields[0], fields[1] == "1", fields[2]) : throw new FormatException($"bad sandbox report '{layer}'");
        }).ToList();
    }
}
