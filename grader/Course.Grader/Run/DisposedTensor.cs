namespace Course.Grader.Run;

/// <summary>
/// A test that used a disposed tensor: TorchSharp says only "Tensor invalid -- empty handle." Under the course's tests the
/// usual cause is a tensor kept for a later call: every test runs inside a TorchSharp dispose scope, and training tests give
/// each step one of their own, which frees every tensor made inside it when it ends, so a tensor a layer keeps in a field
/// (a cached mask or one-hot table made in a forward pass) or in a static is gone by the next step or test. The message
/// says so, with the student's line where the stack shows one.
/// </summary>
static class DisposedTensor
{
    const string Thrown = "System.InvalidOperationException : Tensor invalid -- empty handle.";

    /// <summary>What the message says first; also the whole of it but the line and TorchSharp's words.</summary>
    public const string Explanation =
        "every test, and each training step of a training test, runs in a TorchSharp dispose scope, which frees every tensor " +
        "made inside it when it ends: keep no tensor made in a forward or backward pass (or in a static field) for a later " +
        "call; make it again where it is needed, or in the constructor, or keep it with .DetachFromDisposeScope(); and use no " +
        "tensor after disposing it yourself";

    /// <summary>A result whose message is TorchSharp's disposed-tensor exception, with that explained first; any other as it is.</summary>
    public static TestCaseResult Readable(TestCaseResult result)
    {
        if (!result.Message.StartsWith(Thrown, StringComparison.Ordinal)) return result;
        var where = NativeError.FirstStudentFrame(result.StackTrace);
        return result with
        {
            Message = $"a tensor was used after it was disposed{(where is null ? "" : $", at {where}")}: {Explanation}.\n" +
                "(TorchSharp: InvalidOperationException: Tensor invalid -- empty handle.)",
        };
    }
}
