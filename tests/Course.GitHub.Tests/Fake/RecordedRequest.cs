using System.Text.Json.Nodes;

namespace Course.GitHub.Tests.Fake;

/// <summary>A request the fake server received, for the tests to check what the client sent.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string Body)
{
    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public override string ToString() => $"{Method} {Path}{Query}";
}
