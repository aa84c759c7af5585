using Course.Grader.Compile;
using Course.Grader.Fairness;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Fairness;

/// <summary>
/// <see cref="TensorHandOff"/>: a test that reads a tensor after giving it to homework code checks what homework code may
/// have written over it, so `course validate` names each such read, and none of the reads that check the tensor itself.
/// </summary>
public class TensorHandOffTests
{
    const string Homework = """
        using TorchSharp;
        using static TorchSharp.torch;
        namespace Tiny.Homework;
        public static class Layer
        {
            public static Tensor Forward(Tensor x) => x * 2;
            public static Tensor Scale(this Tensor x) => x * 2;
            public static Tensor Sum(params Tensor[] xs) => xs[0] * 2;
            public static Tensor First((Tensor A, Tensor B) pair) => pair.A * 2;
            public static Tensor Listed(System.Collections.Generic.IReadOnlyList<Tensor> xs) => xs[0] * 2;
            public static int Count(System.Collections.Generic.IReadOnlyList<long> sizes) => sizes.Count;
            public static Tensor Take(Batch batch) => batch.X * 2;
            public static void Step(TorchSharp.Modules.Parameter p) { using var _ = no_grad(); p.add_(1); }
            public static Tensor Apply(TorchSharp.Modules.Linear linear, Tensor x) => linear.call(x);
        }
        public sealed class Doubler : TorchSharp.torch.nn.Module<Tensor, Tensor>
        {
            public Doubler() : base(nameof(Doubler)) { }
            public override Tensor forward(Tensor x) => x * 2;
        }
        """;

    /// <summary>A record of tensors in a file of its own: a given file, unless <paramref name="studentFiles"/> lists it.</summary>
    const string BatchFile = """
        using static TorchSharp.torch;
        namespace Tiny.Homework;
        public sealed record Batch(Tensor X);
        """;

    static IReadOnlyList<string> Problems(string body, string[]? studentFiles = null, string helpers = "")
    {
        var tests = $$"""
            using Course.Testing;
            using NUnit.Framework;
            using TorchSharp;
            using Tiny.Homework;
            using static TorchSharp.torch;
            namespace Tiny.Homework.Tests;
            public class LayerTests : TorchTest
            {
                [Test, Points(1)]
                public void Doubles()
                {
                    var x = ones(3);
                    {{body}}
                }

                {{helpers}}
            }
            """;
        var request = TinyHomework.Request(Homework, tests);
        request = request with { Homework = request.Homework with { Files = [.. request.Homework.Files, new SourceFile("Batch.cs", BatchFile)] } };
        var (homework, suites) = CompileStage.ForReading(request);
        var errors = suites.SelectMany(s => s.GetDiagnostics()).Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
        Assert.That(errors, Is.Empty, () => string.Join("\n", errors));
        return TensorHandOff.Problems(homework, suites, studentFiles);
    }

    [TestCase("var y = Layer.Forward(x); TensorAssert.Close(y, x * 2);", "x")]
    [TestCase("TensorAssert.Close(Layer.Forward(x), x * 2);", "x")]
    [TestCase("var y = Layer.Forward(x.to(CPU)); var expected = x * 2; TensorAssert.Close(y, expected);", "x")]
    [TestCase("var y = Layer.Forward(x[..2]); TensorAssert.Close(y, x[..2] * 2);", "x")]
    [TestCase("var y = x.Scale(); TensorAssert.Close(y, x * 2);", "x")]
    [TestCase("var y = Layer.Forward(x); var alias = x; TensorAssert.Close(y, alias * 2);", "x")]
    [TestCase("var y = Layer.Forward(x); Assert.That(y.shape, Is.EqualTo(x.shape));", "x")]
    [TestCase("System.Func<Tensor, Tensor> forward = Layer.Forward; var y = forward(x); TensorAssert.Close(y, x * 2);", "x")]
    [TestCase("var y = new Doubler().call(x); TensorAssert.Close(y, x * 2);", "x")]
    [TestCase("var y = Layer.Sum(new[] { x, x }); TensorAssert.Close(y, x * 2);", "x")]
    [TestCase("var y = Layer.Sum([x[..2]]); TensorAssert.Close(y, x[..2] * 2);", "x")]
    [TestCase("var y = Layer.First((x, ones(3))); TensorAssert.Close(y, x * 2);", "x")]
    [TestCase("var linear = nn.Linear(3, 3); var y = Layer.Apply(linear, x.clone()); TensorAssert.Close(y, linear.call(x));", "linear")]
    [TestCase("var xs = new System.Collections.Generic.List<Tensor> { x }; var y = Layer.Listed(xs); TensorAssert.Close(y, xs[0] * 2);", "xs")]
    [TestCase("var sizes = new long[] { 2, 3 }; var n = Layer.Count(sizes); Assert.That(n, Is.EqualTo(sizes.Length));", "sizes")]
    [TestCase("var sizes = new System.Collections.Generic.List<long> { 2, 3 }; var n = Layer.Count(sizes); Assert.That(n, Is.EqualTo(sizes.Count));", "sizes")]
    public void Given_a_test_that_reads_a_tensor_after_giving_it_to_homework_code_When_checked_Then_the_read_is_named(string body, string variable)
    {
        var problems = Problems(body);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.StartWith("Tiny.Homework.Tests: Tiny.Homework.Tests/HomeworkTests.cs:13: Doubles reads " + variable + " after giving it to homework code on line 13"));
        Assert.That(problems[0], Does.Contain($"compute what the test needs from {variable} before that call, give the call a copy ({variable}.clone() of a tensor"));
    }

    /// <summary>A helper's caller reads what it returns once it has returned, after every call in it, whatever the order within the return.</summary>
    [TestCase("static (Tensor X, Tensor Y) Made() { var made = ones(3); return (made, Layer.Forward(made)); }", "made", TestName = "{m}(returned beside homework code's result)")]
    [TestCase("static Tensor Made() { var made = ones(3); Layer.Forward(made); return made; }", "made", TestName = "{m}(returned after the call)")]
    [TestCase("static (Tensor, Tensor) Made(Tensor made) => (made, Layer.Forward(made));", "made", TestName = "{m}(an arrow body)")]
    [TestCase("static System.Collections.Generic.IEnumerable<Tensor> Made() { var made = ones(3); Layer.Forward(made); yield return made; }", "made", TestName = "{m}(yielded)")]
    public void Given_a_helper_that_returns_a_tensor_it_gave_to_homework_code_When_checked_Then_the_return_is_named(string helper, string variable)
    {
        var problems = Problems("", helpers: helper);

        Assert.That(problems, Has.Count.EqualTo(1), () => string.Join("\n", problems));
        Assert.That(problems[0], Does.Contain($"Made returns, for its callers to read, {variable} after giving it to homework code"));
    }

    [TestCase("static Tensor Made() { var made = ones(3); return Layer.Forward(made); }", TestName = "{m}(only homework code's result)")]
    [TestCase("static (Tensor, Tensor) Made() { var made = ones(3); return (made, Layer.Forward(made.clone())); }", TestName = "{m}(a clone given)")]
    [TestCase("static Tensor Made() { var made = ones(3); Layer.Forward(made); made = ones(3); return made; }", TestName = "{m}(made anew before the return)")]
    [TestCase("static Tensor Made() { var made = ones(3); return Layer.Sum(made * 2, made); }", TestName = "{m}(read within a return of homework code's result)")]
    public void Given_a_helper_that_returns_nothing_homework_code_held_When_checked_Then_nothing_is_named(string helper) =>
        Assert.That(Problems("", helpers: helper), Is.Empty);

    [TestCase("var expected = x * 2; TensorAssert.Close(Layer.Forward(x), expected);", TestName = "{m}(computed before the call)")]
    [TestCase("TensorAssert.Close(Layer.Forward(x.clone()), x * 2);", TestName = "{m}(a clone given)")]
    [TestCase("var before = x.clone(); Layer.Forward(x); TensorAssert.Close(x, before, Tolerance.Exact);", TestName = "{m}(checked unchanged as the actual)")]
    [TestCase("var y = Layer.Forward(x); TensorAssert.Close(x.T, y.T / 2);", TestName = "{m}(a view as the actual)")]
    [TestCase("var y = Layer.Forward(x); TensorAssert.Close(x.grad!, y);", TestName = "{m}(its gradient as the actual)")]
    [TestCase("var y = Layer.Forward(x); var z = Layer.Forward(x); TensorAssert.Close(y, z);", TestName = "{m}(given again)")]
    [TestCase("var y = Layer.Forward(x); x = ones(3); TensorAssert.Close(y, x * 2);", TestName = "{m}(assigned anew)")]
    [TestCase("var linear = nn.Linear(3, 3); var expected = linear.call(x); TensorAssert.Close(Layer.Apply(linear, x.clone()), expected);", TestName = "{m}(a model's output computed before)")]
    [TestCase("var doubler = new Doubler(); var y = doubler.call(x.clone()); TensorAssert.Close(y, doubler.call(x));", TestName = "{m}(the homework's own model)")]
    [TestCase("System.Func<Tensor, Tensor?> hook = t => null; var expected = x * 1; TensorAssert.Close(hook(x) ?? x, expected);", TestName = "{m}(a hook's result or what it was given)")]
    [TestCase("var linear = nn.Linear(3, 3); var y = Layer.Forward(linear.call(x.clone())); TensorAssert.Close(y, linear.call(x) * 2);", TestName = "{m}(a model's output given, not the model)")]
    [TestCase("long[] sizes = [2, 3]; var n = Layer.Count([.. sizes]); Assert.That(n, Is.EqualTo(sizes.Length));", TestName = "{m}(a copy of an array given)")]
    [TestCase("long[] sizes = [2, 3]; var n = Layer.Count([sizes[0]]); Assert.That(n, Is.EqualTo(sizes.Length));", TestName = "{m}(an element of an array given, by value)")]
    public void Given_a_test_that_reads_a_tensor_only_before_or_to_check_it_When_checked_Then_there_is_no_problem(string body)
    {
        Assert.That(Problems(body), Is.Empty);
    }

    [Test]
    public void Given_two_reads_on_one_line_When_checked_Then_the_line_is_named_once()
    {
        Assert.That(Problems("var y = Layer.Forward(x);\nTensorAssert.Close(y, x * 2 + x - x);"), Has.Count.EqualTo(1));
    }

    [Test]
    public void Given_a_record_of_tensors_from_a_given_file_When_a_test_reads_it_after_giving_it_to_homework_code_Then_the_read_is_named()
    {
        // A batch the test made is the test's, as a library's record is: homework code could write over its tensors in place.
        var problems = Problems("var batch = new Batch(x); var y = Layer.Take(batch); TensorAssert.Close(y, batch.X * 2);", ["Tiny.Homework/Homework.cs"]);

        Assert.That(problems, Has.Count.EqualTo(1));
        Assert.That(problems[0], Does.Contain("Doubles reads batch after giving it to homework code on line 13 (Layer.Take(batch))"));
    }

    [TestCase(true, TestName = "{m}(a record of the student's files)")]
    [TestCase(false, TestName = "{m}(student files not known)")]
    public void Given_a_record_the_student_declares_When_a_test_reads_it_after_giving_it_to_homework_code_Then_that_is_reading_the_students_state(bool known)
    {
        string[]? studentFiles = known ? ["Tiny.Homework/Homework.cs", "Batch.cs"] : null;

        Assert.That(Problems("var batch = new Batch(x); var y = Layer.Take(batch); TensorAssert.Close(y, batch.X * 2);", studentFiles), Is.Empty);
    }

    [Test]
    public void Given_a_parameter_given_to_homework_code_to_update_When_the_test_reads_it_Then_there_is_no_problem()
    {
        // An optimizer's parameter is given to be changed in place, and the test reads it to see how.
        Assert.That(Problems("var p = new TorchSharp.Modules.Parameter(x.clone()); Layer.Step(p); var loss = (p * 2).sum(); TensorAssert.Close(p.detach(), x + 1);"), Is.Empty);
    }
}
