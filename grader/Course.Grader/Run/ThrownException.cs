using System.Text.RegularExpressions;

namespace Course.Grader.Run;

/// <summary>
/// A test that ended in an exception thrown by the code it called, not in a failed assertion. NUnit's message is the
/// exception's type and text (<c>System.NullReferenceException : Object reference not set to an instance of an
/// object.</c>), and the stack trace that says where is not in the grade report. The message leads instead with the
/// exception's short name and the first line of the stack outside the libraries (the student's line, or a test's), and
/// two TorchSharp exceptions that say little on their own are explained: a disposed tensor, and a tensor read as a .NET
/// type of another dtype. A stub's NotImplementedException says so plainly, "not implemented yet: " and the stub's own words
/// (the member and the starter's hint), without .NET's type name.
/// </summary>
static class ThrownException
{
    static readonly Regex Thrown = new(@"^(?:[A-Za-z_][A-Za-z0-9_]{0,100}\.){0,10}(?<name>[A-Za-z_][A-Za-z0-9_]{0,100}Exception) : (?<text>[^\n]{0,1000})",
        RegexOptions.CultureInvariant);

    /// <summary>TorchSharp's <c>item&lt;T&gt;()</c> and <c>data&lt;T&gt;()</c> on a tensor of another dtype: "Double is not compatible with Float32".</summary>
    static readonly Regex WrongRead = new(@"^(?<type>[A-Za-z0-9]{1,20}) is not compatible with (?<dtype>[A-Za-z0-9]{1,20})$", RegexOptions.CultureInvariant);

    const string Disposed = "Tensor invalid -- empty handle.";
    const string NoParameter = "\n  ParamName: <null>";

    /// <summary>Why a tensor is found disposed under the course's tests, and what to do instead.</summary>
    public const string DisposedExplanation =
        "every test, and each training step of a training test, runs in a TorchSharp dispose scope, which frees every tensor " +
        "made inside it when it ends: keep no tensor made in a forward or backward pass (or in a static field) for a later " +
        "call; make it again where it is needed, or in the constructor, or keep it with .DetachFromDisposeScope(); and use no " +
        "tensor after disposing it yourself";

    /// <summary>How a stub's exception reads: "not implemented yet: Bigram.Counts: pair tokens[t] with tokens[t + 1] ...".</summary>
    public const string NotImplementedYet = "not implemented yet: ";

    /// <summary>The result with its message's first line rewritten as the class says; any other result as it is.</summary>
    public static TestCaseResult Readable(TestCaseResult result)
    {
        if (Thrown.Match(result.Message) is not { Success: true } thrown) return result;
        var (name, text) = (thrown.Groups["name"].Value, thrown.Groups["text"].Value.TrimEnd('\r'));
        if (name == nameof(NotImplementedException)) return result with { Message = NotImplementedYet + text + result.Message[thrown.Length..] };
        var at = NativeError.FirstStudentFrame(result.StackTrace) is { } where ? $", at {where}" : "";
        var headline = (name, text) switch
        {
            (nameof(InvalidOperationException), Disposed) =>
                $"a tensor was used after it was disposed{at}: {DisposedExplanation}.\n(TorchSharp: {name}: {text})",
            (nameof(ArgumentException), _) when WrongRead.Match(text) is { Success: true } read =>
                $"a {read.Groups["dtype"].Value} tensor was read as {read.Groups["type"].Value}{at}: item<T>() and data<T>() need the " +
                $"tensor's own dtype, so convert it first (.to(ScalarType.Float64)), or read a number with ToDouble()\n(TorchSharp: {name}: {text})",
            _ => $"{name}{at}: {text}",
        };
        var rest = result.Message[thrown.Length..];
        // NUnit's line for an ArgumentException thrown without a parameter name says nothing.
        if (rest.StartsWith(NoParameter, StringComparison.Ordinal)) rest = rest[NoParameter.Length..];
        return result with { Message = headline + rest };
    }
}
