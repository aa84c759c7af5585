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

    /// <summary>An interface's member leads to its implementation wherever the class that declares the interface finds it: in itself, in a base class, or in an override further down.</summary>
    [Test]
    public void Given_interfaces_implemented_in_a_base_or_overridden_below_Then_a_call_through_the_interface_reaches_each_implementation()
    {
        var compilation = CSharpCompilation.Create("Homework", [CSharpSyntaxTree.ParseText("""
            public interface IScore { int Score(); }
            public class Base { public virtual int Score() => 1; }
            public class Declares : Base, IScore { }
            public class Overrides : Declares { public override int Score() => 2; }
            public class Leaf : Overrides { public Leaf() { } }
            public static class User { public static int F(IScore s) => s.Score(); }
            """, path: "Student.cs")], Net100.References.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var graph = MemberGraph.Build(compilation);
        var calledBack = MemberGraph.CalledBackOnInstances(compilation);

        Assert.That(graph.Reachable("M:User.F(IScore)"), Does.Contain("M:Base.Score").And.Contain("M:Overrides.Score"));
        Assert.That(calledBack["M:Leaf.#ctor"], Does.Contain("M:Overrides.Score"), "a Leaf's instances dispatch to the override its chain holds");
    }

    /// <summary>
    /// A red team (stop 61, c01) made the graph and the call-backs cubic with a chain of empty classes under a wide interface:
    /// 163 s for 1,500 of each, outside any limit of the grade. Each type's interfaces are mapped where it declares them, and
    /// each type's call-backs are made once: well under a second here (the bound leaves room for a busy machine).
    /// </summary>
    [Test]
    public void Given_a_long_chain_of_classes_under_a_wide_interface_Then_the_graph_and_the_call_backs_take_linear_time()
    {
        const int n = 1500;
        var code = new System.Text.StringBuilder("public interface IWide {");
        for (var i = 0; i < n; i++) code.Append($" int M{i}();");
        code.Append("}\npublic class W0 : IWide {");
        for (var i = 0; i < n; i++) code.Append($" public int M{i}() => {i};");
        code.Append("}\n");
        for (var j = 1; j <= n; j++) code.Append($"public class W{j} : W{j - 1} {{ }}\n");
        var compilation = CSharpCompilation.Create("Homework", [CSharpSyntaxTree.ParseText(code.ToString(), path: "Student.cs")], Net100.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        compilation.GetDiagnostics();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var graph = MemberGraph.Build(compilation);
        var calledBack = MemberGraph.CalledBackOnInstances(compilation);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
        Assert.That(graph.Reachable("M:IWide.M7"), Does.Contain("M:W0.M7"));
        Assert.That(calledBack[$"M:W{n}.#ctor"], Has.Count.EqualTo(n).And.Contain("M:W0.M1499"));
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
