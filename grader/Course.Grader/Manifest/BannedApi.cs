namespace Course.Grader.Manifest;

/// <summary>
/// An API the homework forbids, as a documentation-comment ID (the BannedApiAnalyzers format,
/// e.g. <c>M:TorchSharp.torch.nn.functional.scaled_dot_product_attention(...)</c>), with the message a student sees.
/// </summary>
public sealed record BannedApi(string Id, string Message)
{
    internal static readonly string[] IdPrefixes = ["M:", "T:", "N:", "P:", "F:", "E:"];
}

/// <summary>What a submission that uses a banned API gets.</summary>
public enum BannedPolicy
{
    /// <summary>It is graded, but every test scores zero.</summary>
    ZeroTests,
    /// <summary>It is not graded at all.</summary>
    Reject,
}

/// <summary>
/// An API the manifest adds to the allow-list for this homework, as a documentation-comment ID (<c>T:</c> a type and its
/// members, <c>M:</c>/<c>P:</c>/<c>F:</c> a member, <c>N:</c> the types of one namespace, not its sub-namespaces), with the
/// reason the homework needs it. It cannot lift the sandbox's own bans (files, processes, network, reflection, native code).
/// </summary>
public sealed record AllowedApi(string Id, string Reason);
