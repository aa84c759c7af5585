using Basic.Reference.Assemblies;
using Course.Grader.Analyze;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// The member graph leads from a member to every member its code may call, the calls no syntax shows included, and
/// names the code that may run with no call leading to it (<see cref="MemberGraph.Ambient"/>).
/// </summary>
public class MemberGraphTests
{
    static MemberGraph Build(string code) => MemberGraph.Build(CSharpCompilation.Create("Homework",
        [CSharpSyntaxTree.ParseText(code, path: "Student.cs")], Net100.References.All,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)));

    const string Target = """
        public sealed class Target : System.IDisposable, System.Collections.Generic.IEnumerable<int>
        {
            public Target() { }
            public static implicit operator int(Target t) => 0;
            public System.Collections.Generic.IEnumerator<int> GetEnumerator() { yield return 1; }
            System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
            public void Deconstruct(out int a, out int b) { a = 0; b = 0; }
            public void Add(int x) { }
            public void Dispose() { }
        }
        """;

    [TestCase("int F(Target t) { int x = t; return x; }", "M:Target.op_Implicit(Target)~System.Int32", TestName = "an implicit conversion")]
    [TestCase("void F(Target t) { foreach (var x in t) { } }", "M:Target.GetEnumerator", TestName = "foreach")]
    [TestCase("void F(Target t) { var (a, b) = t; }", "M:Target.Deconstruct(System.Int32@,System.Int32@)", TestName = "a deconstruction")]
    [TestCase("void F() { var t = new Target { 1, 2 }; }", "M:Target.Add(System.Int32)", TestName = "a collection initializer")]
    [TestCase("static T Make<T>() where T : new() => new T(); object F() => Make<Target>();", "M:Target.#ctor", TestName = "new() through a type parameter")]
    public void Given_a_call_no_syntax_names_Then_the_member_reaches_it(string member, string callee)
    {
        var graph = Build(Target + "public static class User { " + member.Replace("void F", "static void F").Replace("int F", "static int F").Replace("object F", "static object F") + " }");

        var from = graph.Members.Single(m => m.StartsWith("M:User.F", StringComparison.Ordinal));

        Assert.That(graph.Reachable(from), Does.Contain(callee));
    }

    [Test]
    public void Given_code_the_runtime_or_a_delegate_runs_Then_it_is_ambient_and_the_rest_is_not()
    {
        var graph = Build("""
            public class Holder
            {
                static readonly int Field = Compute();
                public static System.Func<int, int>? Stored;
                public int Property { get; } = Compute();
                static Holder() { }
                ~Holder() { }
                static int Compute() => 1;
                static int Named(int x) => x;
                public static void Store() => Stored = x => Compute() + x;
                public static void StoreNamed() => Stored = Named;
                public static int Called() => Compute();
            }
            """);

        Assert.That(graph.Ambient, Does.Contain("T:Holder").And.Contain("M:Holder.#cctor").And.Contain("M:Holder.Finalize")
            .And.Contain("P:Holder.Property").And.Contain("M:Holder.Named(System.Int32)"));
        var lambda = graph.Ambient.Single(m => m.StartsWith("M:Holder.Store=>", StringComparison.Ordinal));
        Assert.That(graph.Reachable(lambda), Does.Contain("M:Holder.Compute"), "the lambda's own calls leave from its node");
        Assert.That(graph.Reachable("M:Holder.Store"), Does.Contain(lambda), "where it is made may run it");
        Assert.That(graph.Ambient, Does.Not.Contain("M:Holder.Store").And.Not.Contain("M:Holder.Called").And.Not.Contain("M:Holder.Compute"));
    }
}
