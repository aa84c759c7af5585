using Basic.Reference.Assemblies;
using Course.Grader.Analyze;
using Course.Grader.Manifest;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Course.Grader.Tests.Analyze;

/// <summary>Bans are matched by symbol through the semantic model, never by text.</summary>
public class AnalyzeStageTests
{
    // A stand-in with TorchSharp's real names: bans match documentation comment IDs, not assemblies.
    const string FakeTorch = """
        namespace TorchSharp
        {
            public static partial class torch
            {
                public sealed class Tensor { }
                public static partial class nn
                {
                    public static class functional
                    {
                        public static Tensor scaled_dot_product_attention(Tensor q, Tensor k, Tensor v, bool is_casual = false) => q;
                        public static Tensor softmax(Tensor x, long dim) => x;
                    }
                }
            }
        }
        """;

    static readonly BannedApi Sdpa = new(
        "M:TorchSharp.torch.nn.functional.scaled_dot_product_attention(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,System.Boolean)",
        "Implement attention yourself.");

    static AnalysisResult Analyze(string student, params BannedApi[] bans)
    {
        var compilation = CSharpCompilation.Create("Homework",
            [CSharpSyntaxTree.ParseText(FakeTorch, path: "Fake.cs"), CSharpSyntaxTree.ParseText(student, path: "Student.cs")],
            Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var result = AnalyzeStage.Analyze(compilation, SandboxPolicy.For([]), bans);
        return result with { Findings = result.Findings.Where(f => f.File == "Student.cs").ToList() };
    }

    [Test]
    public void GivenAFullyQualifiedBannedCall_ThenItIsFoundAtTheStudentsLine()
    {
        var result = Analyze("""
            class Head
            {
                TorchSharp.torch.Tensor F(TorchSharp.torch.Tensor q) =>
                    TorchSharp.torch.nn.functional.scaled_dot_product_attention(q, q, q);
            }
            """, Sdpa);
        var finding = result.Findings.Single();
        Assert.That(finding.Kind, Is.EqualTo(FindingKind.BannedApi));
        Assert.That((finding.Line, finding.Message), Is.EqualTo((4, "Implement attention yourself.")));
        Assert.That(finding.Member, Is.EqualTo("M:Head.F(TorchSharp.torch.Tensor)"));
    }

    [Test]
    public void GivenTheBannedCallThroughUsingStatic_ThenItIsFound()
    {
        var result = Analyze("""
            using static TorchSharp.torch.nn.functional;
            class Head { object F(TorchSharp.torch.Tensor q) => scaled_dot_product_attention(q, q, q, is_casual: true); }
            """, Sdpa);
        Assert.That(result.Findings.Single().Line, Is.EqualTo(2));
    }

    [Test]
    public void GivenTheBannedCallThroughAnAlias_ThenItIsFound()
    {
        var result = Analyze("""
            using F = TorchSharp.torch.nn.functional;
            class Head { object G(TorchSharp.torch.Tensor q) => F.scaled_dot_product_attention(q, q, q); }
            """, Sdpa);
        Assert.That(result.Findings.Single().Kind, Is.EqualTo(FindingKind.BannedApi));
    }

    [Test]
    public void GivenTheBannedNameOnlyInTextOrOnAnotherSymbol_ThenNothingIsFound()
    {
        var result = Analyze("""
            // scaled_dot_product_attention is banned; File.ReadAllText too.
            class Head
            {
                string Doc = "TorchSharp.torch.nn.functional.scaled_dot_product_attention";
                static object scaled_dot_product_attention(object q) => q;
                object G() => scaled_dot_product_attention(TorchSharp.torch.nn.functional.softmax(null!, 1));
            }
            class File { public static string ReadAllText(string p) => p; }
            class Use { string H() => File.ReadAllText("x"); }
            """, Sdpa);
        Assert.That(result.Findings, Is.Empty);
    }

    [Test]
    public void GivenABanWithoutParameters_ThenEveryOverloadAndReducedExtensionFormIsFound()
    {
        var result = Analyze("""
            using System.Linq;
            class C
            {
                int[] A(int[] xs) => xs.Select(x => x).Reverse().ToArray();
                int[] B(int[] xs) => Enumerable.Reverse(xs.Select(x => x)).ToArray();
            }
            """, new BannedApi("M:System.Linq.Enumerable.Reverse", "no reversing"));
        Assert.That(result.Findings.Select(f => f.Line), Is.EqualTo(new[] { 4, 5 }));
    }

    [TestCase("System.IO.File.ReadAllText(\"/etc/passwd\")", "System.IO.File.ReadAllText(string)")]
    [TestCase("new System.Diagnostics.Process()", "System.Diagnostics.Process.Process()")]
    [TestCase("System.Diagnostics.Process.Start(\"sh\")", "System.Diagnostics.Process.Start(string)")]
    [TestCase("new System.Net.Http.HttpClient()", "System.Net.Http.HttpClient.HttpClient()")]
    [TestCase("typeof(C).GetMethods()[0].Invoke(null, null)", "System.Reflection.MethodBase.Invoke(object?, object?[]?)")]
    [TestCase("System.Runtime.InteropServices.NativeLibrary.Load(\"libc.so.6\")", "System.Runtime.InteropServices.NativeLibrary.Load(string)")]
    [TestCase("new System.Threading.Thread(() => { })", "System.Threading.Thread.Thread(System.Threading.ThreadStart)")]
    [TestCase("System.Threading.Tasks.Task.Run(() => { })", "System.Threading.Tasks.Task.Run(System.Action)")]
    public void GivenASandboxEscape_ThenItIsAViolationNamingTheApi(string expression, string api)
    {
        var result = Analyze($"class C {{ object M() => {expression}; }}");
        Assert.That(result.Violations.Select(f => (f.Kind, f.Api)), Does.Contain((FindingKind.SandboxViolation, api)));
    }

    [Test]
    public void GivenParallelLinq_ThenItIsAViolationThatSaysNoThreads()
    {
        // A correct HeldOutAccuracy written with AsParallel().AsOrdered() was refused as "not among" what homework code may use.
        var result = Analyze("""
            using System.Linq;
            class C
            {
                int[] A(int[] xs) => xs.AsParallel().AsOrdered().Select(x => x * 2).ToArray();
            }
            """);
        Assert.That(result.Violations, Is.Not.Empty);
        Assert.That(result.Violations.Select(f => f.Message), Has.All.Contain("may not start threads or background work"), () => string.Join("\n", result.Violations));
    }

    [Test]
    public void GivenEnvironmentExitInAnyForm_ThenItIsAViolation()
    {
        var result = Analyze("""
            using static System.Environment;
            using E = System.Environment;
            class C
            {
                void A() => System.Environment.Exit(1);
                void B() => Exit(2);
                void D() => E.FailFast("bye");
                System.Action<int> F() => E.Exit;
            }
            """);
        Assert.That(result.Violations.Select(f => f.Line), Is.EqualTo(new[] { 5, 6, 7, 8 }), () => string.Join("\n", result.Violations));
        Assert.That(result.Violations.First().Message, Does.Contain("may not end the process"));
    }

    [Test]
    public void GivenUnsafeCodeOrPInvoke_ThenItIsAViolation()
    {
        var result = Analyze("""
            class C
            {
                unsafe void A(int* p) { }
                void B() { unsafe { } }
                [System.Runtime.InteropServices.DllImport("libc")] static extern int getpid();
            }
            """);
        Assert.That(result.Violations.Select(f => f.Kind), Does.Contain(FindingKind.UnsafeCode));
        Assert.That(result.Violations.Select(f => f.Line).Distinct(), Is.EqualTo(new[] { 3, 4, 5 }));
    }

    [Test]
    public void GivenAStubLeftInPlace_ThenItIsListedWithItsMemberButIsNoViolation()
    {
        var result = Analyze("""
            class Head
            {
                public int Forward(int x)
                {
                    throw new System.NotImplementedException("Compute the attention scores.");
                }
                public int Done(int x) => x;
            }
            """);
        var stub = result.Stubs.Single();
        Assert.That((stub.Line, stub.Member), Is.EqualTo((5, "M:Head.Forward(System.Int32)")));
        Assert.That(result.Violations, Is.Empty);
    }

    [Test]
    public void GivenATestCallingAHelperThatCallsABannedMember_ThenTheGraphReachesTheBannedMember()
    {
        var homework = Analyze("""
            public class Head
            {
                public TorchSharp.torch.Tensor Forward(TorchSharp.torch.Tensor q) => Attend(q);
                TorchSharp.torch.Tensor Attend(TorchSharp.torch.Tensor q) => TorchSharp.torch.nn.functional.scaled_dot_product_attention(q, q, q);
                public int Clean() => 1;
            }
            """, Sdpa);
        var banned = homework.Violations.Single().Member!;

        Assert.That(homework.Graph.Reachable("M:Head.Forward(TorchSharp.torch.Tensor)"), Does.Contain(banned));
        Assert.That(homework.Graph.Reachable("M:Head.Clean"), Does.Not.Contain(banned));
    }

    [Test]
    public void GivenACallThroughAnInterfaceOrAVirtualMember_ThenTheGraphReachesEveryImplementation()
    {
        var homework = Analyze("""
            public interface ILayer { TorchSharp.torch.Tensor Backward(TorchSharp.torch.Tensor g); }
            public abstract class Base { public abstract int Size(); }
            public class Tanh : Base, ILayer
            {
                public TorchSharp.torch.Tensor Backward(TorchSharp.torch.Tensor g) => TorchSharp.torch.nn.functional.scaled_dot_product_attention(g, g, g);
                public override int Size() => 1;
            }
            public class Net
            {
                public TorchSharp.torch.Tensor Run(ILayer layer, TorchSharp.torch.Tensor g) => layer.Backward(g);
                public int Count(Base b) => b.Size();
            }
            """, Sdpa);
        var banned = homework.Violations.Single().Member!;

        Assert.That(homework.Graph.Reachable("M:Net.Run(ILayer,TorchSharp.torch.Tensor)"), Does.Contain(banned));
        Assert.That(homework.Graph.Reachable("M:Net.Count(Base)"), Does.Contain("M:Tanh.Size"));
    }
}
