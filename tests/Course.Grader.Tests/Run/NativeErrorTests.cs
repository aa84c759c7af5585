using Course.Grader.Run;
using Course.Grader.Tests.Compile;
using Snapshooter.NUnit;

namespace Course.Grader.Tests.Run;

/// <summary>
/// A libtorch shape error becomes one line a student can act on: TorchSharp 0.107's <c>matmul</c> lets libtorch's C++
/// exception end the test process (exit code 134), while <c>mm</c> throws an ExternalException that carries a few dozen
/// native frames. Either way the message leads with the operation and libtorch's own line.
/// </summary>
public class NativeErrorTests
{
    static readonly RunLimits Limits = new(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120), 2048);

    /// <summary>What the worker wrote to stderr when a test called matmul on [4, 6] and [4, 6] (paths and addresses neutralised).</summary>
    const string RecordedMatmulAbort = """
terminate called after throwing an instance of 'c10::Error'
  what():  mat1 and mat2 shapes cannot be multiplied (4x6 and 4x6)
Exception raised from meta at /pytorch/aten/src/ATen/native/LinearAlgebra.cpp:204 (most recent call first):
frame #0: c10::Error::Error(c10::SourceLocation, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >) + 0xb0 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libc10.so)
frame #1: c10::detail::torchCheckFail(char const*, char const*, unsigned int, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&) + 0xfa (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libc10.so)
frame #2: at::meta::structured_mm::meta(at::Tensor const&, at::Tensor const&) + 0x335 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #3: <unknown function> + 0x3408d21 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #4: at::_ops::mm::redispatch(c10::DispatchKeySet, at::Tensor const&, at::Tensor const&) + 0x8a (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #5: <unknown function> + 0x5c09e3e (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #6: <unknown function> + 0x5c0aa1b (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #7: at::_ops::mm::call(at::Tensor const&, at::Tensor const&) + 0x1b2 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #8: <unknown function> + 0x22cfb50 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #9: at::native::matmul(at::Tensor const&, at::Tensor const&) + 0x54 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #10: <unknown function> + 0x383ea58 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #11: at::_ops::matmul::call(at::Tensor const&, at::Tensor const&) + 0x1b2 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libtorch_cpu.so)
frame #12: THSTensor_matmul + 0x26 (0x7f0000000000 in /grader/worker/runtimes/linux-x64/native/libLibTorchSharp.so)
frame #13: [0x7f0000000000]
""";

    const string Homework = """
        using static TorchSharp.torch;

        namespace Tiny.Homework;

        public static class Shapes
        {
            public static Tensor Project(Tensor x, Tensor w)
            {
                return x.matmul(w);
            }

            public static Tensor ProjectWithMm(Tensor x, Tensor w)
            {
                return x.mm(w);
            }
        }
        """;

    // NUnit runs a fixture's tests in name order.
    const string Tests = """
        using NUnit.Framework;
        using Tiny.Homework;
        using static TorchSharp.torch;

        namespace Tiny.Homework.Tests;

        public class ShapeTests
        {
            [Test]
            public void A_MatmulOnIncompatibleShapes() => Shapes.Project(zeros(4, 6), zeros(4, 6));

            [Test]
            public void B_MmOnIncompatibleShapes() => Shapes.ProjectWithMm(zeros(4, 6), zeros(4, 6));

            [Test]
            public void C_Passes() => Assert.That(Shapes.Project(ones(2, 3), ones(3, 4)).shape, Is.EqualTo(new long[] { 2, 4 }));
        }
        """;

    [Test]
    public async Task Given_shape_errors_in_matmul_and_mm_When_run_Then_each_test_leads_with_the_operation_and_libtorchs_line()
    {
        var run = await TinyHomework.RunAsync(Homework, Tests, Limits);

        var aborted = run.Single("A_MatmulOnIncompatibleShapes");
        var thrown = run.Single("B_MmOnIncompatibleShapes");
        Assert.That(run.Single("C_Passes").Outcome, Is.EqualTo(TestOutcome.Passed), "the test after the crash runs in a new worker");
        Assert.That(aborted.Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(thrown.Outcome, Is.Not.EqualTo(TestOutcome.Passed));
        Snapshot.Match(new { Aborted = aborted.Message, Thrown = thrown.Message });
    }

    [Test]
    public void Given_a_recorded_matmul_abort_When_parsed_Then_the_reason_names_matmul_and_the_shapes()
    {
        var error = NativeError.FromStderr(RecordedMatmulAbort);

        Assert.That(error, Is.Not.Null);
        Snapshot.Match(WorkerEnding.Died(134, false, false, null, null, "ignored when libtorch's error is known", error).Reason);
    }

    [Test]
    public void Given_a_managed_frame_in_the_homework_When_parsed_Then_the_line_is_named_without_its_folder()
    {
        var stderr = RecordedMatmulAbort + """

               at TorchSharp.torch.Tensor.matmul(Tensor target)
               at Tiny.Homework.Shapes.Project(Tensor x, Tensor w) in /tmp/run/src/Tiny.Homework/Homework.cs:line 9
               at Tiny.Homework.Tests.ShapeTests.A() in /tmp/run/tests/HomeworkTests.cs:line 11
            """;

        var error = NativeError.FromStderr(stderr);

        Assert.That(error!.Headline, Is.EqualTo(
            "torch.matmul: mat1 and mat2 shapes cannot be multiplied (4x6 and 4x6), at Homework.cs:line 9 (Tiny.Homework.Shapes.Project)"));
        Assert.That(error.CrashReason(134), Does.EndWith("the test stopped there: check the shapes of the operands on that line."));
    }

    /// <summary>A message audit (round 18): a hook ran a given helper's lambda, and the error was placed there, named as the compiler wrote it.</summary>
    [Test]
    public void Given_a_frame_in_a_lambda_run_by_a_library_When_parsed_Then_it_is_named_by_its_method_and_the_homework_line_that_called_it()
    {
        var stderr = RecordedMatmulAbort + """

               at TorchSharp.torch.where(Tensor condition, Tensor x, Tensor y)
               at Hw6.Patching.ActivationPatching.<>c__DisplayClass2_0.<Where>b__0(Tensor corrupted, Tensor clean) in /tmp/run/src/Hw6.Patching/ActivationPatching.cs:line 65
               at Course.Lens.HookPoint.forward(Tensor x) in /tmp/run/models/Course.Lens/HookPoint.cs:line 40
               at TorchSharp.Modules.Module`2.call(Tensor x)
               at Hw6.Patching.HeadPatching.<Outputs>g__Patched|3_0(Int32 head) in /tmp/run/src/Hw6.Patching/HeadPatching.cs:line 52
               at Hw6.Patching.HeadPatching.Outputs(HookedTransformer model) in /tmp/run/src/Hw6.Patching/HeadPatching.cs:line 30
            """;

        Assert.That(NativeError.FromStderr(stderr)!.Headline, Is.EqualTo("torch.matmul: mat1 and mat2 shapes cannot be multiplied (4x6 and 4x6), " +
            "at ActivationPatching.cs:line 65 (Hw6.Patching.ActivationPatching.Where, in a lambda), " +
            "called from HeadPatching.cs:line 52 (Hw6.Patching.HeadPatching.Outputs, in its local function Patched)"));
    }

    [Test]
    public void Given_autograd_refusing_a_Byte_tensor_When_read_Then_the_headline_names_sum_of_the_literal_zero()
    {
        var result = new TestCaseResult(new TestCaseSpec("T.A", "A", "T", "Tiny.Homework.Tests", new Dictionary<string, IReadOnlyList<string>>(), null, 1), TestOutcome.Failed,
            "System.Runtime.InteropServices.ExternalException : Autograd not support dtype: Byte\nException raised from sum at aten.cpp:12\nframe #0: THSTensor_sum + 0x1\n",
            "   at TorchSharp.torch.Tensor.sum(Nullable`1 type)\n   at Tiny.Homework.Heads.Biases() in /tmp/run/src/Tiny.Homework/Heads.cs:line 48\n", 0, "");

        Assert.That(NativeError.Readable(result).Message.Split('\n')[0], Is.EqualTo("torch.sum: Autograd not support dtype: Byte, at Heads.cs:line 48 (Tiny.Homework.Heads.Biases): " +
            "a Byte tensor where a float one was meant; x.sum(0) makes one (C# reads the literal 0 as ScalarType.Byte, not as dimension 0): write x.sum(dim: 0)"));
    }

    [Test]
    public void Given_a_sampler_given_NaN_probabilities_When_parsed_Then_the_headline_points_at_the_logits()
    {
        var stderr = "terminate called after throwing an instance of 'c10::Error'\n  what():  probability tensor contains either `inf`, `nan` or element < 0\n" +
                     "frame #3: THSTensor_multinomial + 0x4d (0x7f in libLibTorchSharp.so)\n";

        Assert.That(NativeError.FromStderr(stderr)!.Headline, Is.EqualTo("torch.multinomial: probability tensor contains either `inf`, `nan` or element < 0: " +
            "the probabilities hold NaN, inf or a negative value; are the logits they come from finite (a mask that hides a whole row makes NaN)?"));
    }

    [TestCase("expected scalar type Float but found Double", "check the dtypes of its operands (a float64 tensor meeting a float32 one: cast one with .to(dtype)).")]
    [TestCase("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!",
        "check the devices of its operands (a CPU tensor meeting a GPU one: move one with .to(device)).")]
    [TestCase("mat1 and mat2 shapes cannot be multiplied (4x6 and 4x6)", "check the shapes of its operands.")]
    public void Given_an_abort_that_names_dtypes_devices_or_shapes_When_explained_Then_the_reason_says_which_to_check(string what, string ending)
    {
        var stderr = $"terminate called after throwing an instance of 'c10::Error'\n  what():  {what}\nframe #3: THSTensor_matmul + 0x4d (0x7f in libLibTorchSharp.so)\n";

        var error = NativeError.FromStderr(stderr)!;

        Assert.That(error.CrashReason(134), Does.EndWith(ending));
    }

    [Test]
    public void Given_hostile_text_after_what_When_parsed_Then_it_is_one_short_line_without_control_characters()
    {
        var stderr = "terminate called after throwing an instance of 'c10::Error'\n  what():  \u001b[31mred\u0007 " + new string('x', 5000) + "\n";

        var error = NativeError.FromStderr(stderr)!;

        Assert.That(error.Headline, Does.StartWith("libtorch error: red xxx"));
        Assert.That(error.Headline.Length, Is.LessThan(400));
        Assert.That(error.Headline.Any(char.IsControl), Is.False);
    }

    [Test]
    public void Given_stderr_without_a_CPlusPlus_exception_When_parsed_Then_there_is_no_native_error()
    {
        Assert.That(NativeError.FromStderr("Process terminated. gave up\n   at Program.Main()"), Is.Null);
        Assert.That(WorkerEnding.Died(134, false, false, null, null, "Process terminated. gave up").Reason,
            Is.EqualTo("the test process crashed (exit code 134): Process terminated. gave up"));
    }
}
