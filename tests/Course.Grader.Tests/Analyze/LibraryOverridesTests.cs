using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// Homework code may override a library member only where it is asked to write one (<see cref="LibraryOverrides"/>): a
/// test reads a module's parameters, buffers, submodules and mode through TorchSharp's own virtual members.
/// </summary>
public class LibraryOverridesTests
{
    static IReadOnlyList<AnalysisFinding> Violations(string members)
    {
        var source = $$"""
            using System.Collections.Generic;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            namespace Tiny.Homework;

            public sealed class Head : nn.Module<Tensor, Tensor>
            {
                public readonly Parameter W_Q = nn.Parameter(zeros(4, 4));
                public readonly Parameter W_O = nn.Parameter(zeros(4, 4));
                public Head() : base(nameof(Head)) => RegisterComponents();
                public override Tensor forward(Tensor x) => x.matmul(W_O);
                {{members}}
            }
            """;
        var compiled = CompileStage.Compile(new CompileRequest(
            new AssemblySources(TinyHomework.HomeworkName, [new SourceFile("Head.cs", source)], []), [], TinyHomework.Worker.Value.LibraryAssemblies));
        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        return [.. AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For([]), []).Violations];
    }

    [TestCase("a module that reports only the parameters it uses",
        "public override IEnumerable<(string name, Parameter parameter)> named_parameters(bool recurse = true) { yield return (\"W_O\", W_O); }",
        "TorchSharp.torch.nn.Module.named_parameters(bool)")]
    [TestCase("a module that hides its parameters from an optimiser",
        "public override IEnumerable<Parameter> parameters(bool recurse = true) => [W_O];", "TorchSharp.torch.nn.Module.parameters(bool)")]
    [TestCase("a module that ignores a move to another device",
        "protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking) => this;", "TorchSharp.torch.nn.Module._to(TorchSharp.torch.Device, TorchSharp.torch.ScalarType, bool)")]
    [TestCase("a module that stays in training mode",
        "public override void train(bool on = true) { }", "TorchSharp.torch.nn.Module.train(bool)")]
    public void Given_an_override_of_what_the_tests_read_a_module_through_When_analyzed_Then_it_is_refused(string what, string members, string overridden)
    {
        var violations = Violations(members);

        Assert.That(violations.Select(v => v.Api), Has.Some.EqualTo(overridden), what);
        Assert.That(violations.Single(v => v.Api == overridden).Message, Is.EqualTo(LibraryOverrides.Message));
    }

    [Test]
    public void Given_forward_and_ToString_When_analyzed_Then_nothing_is_refused() =>
        Assert.That(Violations("public override string ToString() => \"Head\";"), Is.Empty);
}
