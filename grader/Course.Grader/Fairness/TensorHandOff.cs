using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Fairness;

/// <summary>
/// A test may not read a tensor, or a model it made or loaded, after it gave it to homework code, except as the
/// <c>actual</c> of an assertion (which checks the thing itself) or to give it to homework code again; nor return it to its
/// callers, who read it after every call in the method (a helper that loads a model and returns it with homework code's
/// measure of it). Homework code can
/// change in place what it is given, a view of it, or a model's weights: a loss that wrote one-hot logits over its input
/// made a training test's accuracy, read from those logits afterwards, 100% without any training; a circuit that zeroed
/// the embedding of the model it was given made the expected circuit, computed from that model afterwards, zero like its
/// answer. So a test computes what it needs before the call, or gives homework code a copy. <c>course validate</c>
/// reports each such read (see <see cref="Pipeline.ValidatePipeline"/>). An object that holds tensors or a model counts
/// as they do (a batch record of a given library or a given file, a list of tensors). The homework's own objects (the
/// types of the student files) are the student's state, and reading them afterwards is what a test is for.
/// </summary>
public static class TensorHandOff
{
    /// <summary>The parameter name of the value an assertion checks (TensorAssert, Golden, NUnit's Assert.That).</summary>
    const string Actual = "actual";

    /// <param name="studentFiles">The homework's student files. A homework type declared only in other files (a given record of
    /// tensors) is the test's to hand over, as a library's is; null takes every homework type for the student's.</param>
    /// <returns>One line per read of a tensor after a test gave it to homework code, saying how to mend it; empty when none.</returns>
    public static IReadOnlyList<string> Problems(Compilation homework, IEnumerable<Compilation> suites, IReadOnlyCollection<string>? studentFiles = null)
    {
        var owners = new Owners(homework.AssemblyName!, studentFiles);
        var problems = new List<string>();
        foreach (var suite in suites)
        {
            foreach (var tree in suite.SyntaxTrees)
            {
                var model = suite.GetSemanticModel(tree);
                foreach (var member in tree.GetRoot().DescendantNodes().OfType<BaseMethodDeclarationSyntax>())
                {
                    // One line per variable and line: a line that reads it twice has one problem.
                    foreach (var (read, given, call, returned, where) in ReadsAfterHandOff(member, model, owners)
                                 .Select(r => (r.Read, r.Given, r.Call, r.Returned, Line: LineOf(r.Read)))
                                 .DistinctBy(r => (r.Given, r.Line), new LineOfVariable()))
                    {
                        var handed = LineOf(call);
                        var name = read.Identifier.Text;
                        var reads = returned ? "returns, for its callers to read," : "reads";
                        problems.Add($"{suite.AssemblyName}: {tree.FilePath.Replace('\\', '/')}:{where}: {Name(member)} {reads} {name} after giving it to " +
                            $"homework code on line {handed} ({Shown(call)}); homework code may change in place a tensor, an array or collection, or a model's weights, it is given, so compute what the test " +
                            $"needs from {name} before that call, give the call a copy ({name}.clone() of a tensor, [.. {name}] of an array, a second model made alike), or read {name} only as an assertion's actual");
                    }
                }
            }
        }
        return problems;
    }

    static IEnumerable<(IdentifierNameSyntax Read, ISymbol Given, SyntaxNode Call, bool Returned)> ReadsAfterHandOff(SyntaxNode member, SemanticModel model, Owners owners)
    {
        // What happens to each tensor variable, in the order of the code: given to homework code (at the end of the call), or assigned anew.
        var events = new List<(int Position, ISymbol Variable, SyntaxNode? Call)>();
        var handedOff = new HashSet<IdentifierNameSyntax>();
        foreach (var call in member.DescendantNodes().Where(n => n is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax))
        {
            if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method || !RunsHomeworkCode(call, method, model, owners.Homework)) continue;
            foreach (var given in Given(call, method))
            {
                if (Root(given, model, owners) is not { } root) continue;
                handedOff.Add(root);
                events.Add((call.Span.End, model.GetSymbolInfo(root).Symbol!, call));
            }
        }
        if (events.Count == 0) yield break;
        foreach (var assignment in member.DescendantNodes().OfType<AssignmentExpressionSyntax>())
        {
            if (assignment.Left is IdentifierNameSyntax target && model.GetSymbolInfo(target).Symbol is { } variable)
                events.Add((assignment.Span.End, variable, null));
        }
        events.Sort((a, b) => a.Position.CompareTo(b.Position));
        var returned = Returned(member, model, owners);

        foreach (var read in member.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (handedOff.Contains(read) || model.GetSymbolInfo(read).Symbol is not { } variable) continue;
            var escape = returned.Contains(read) ? Escapes(read, member) : null;
            var at = escape?.Span.End ?? read.SpanStart;
            var last = events.LastOrDefault(e => e.Position <= at && SymbolEqualityComparer.Default.Equals(e.Variable, variable));
            if (last.Call is null || IsAssignedHere(read) || IsActualOfAnAssertion(read, model) || IsCallsFallback(read, last.Call)) continue;
            yield return (read, variable, last.Call, escape is not null);
        }
    }

    /// <summary>
    /// The variables a return (or an arrow body, or a yield) hands to the method's caller: what it returns, or an element of the
    /// tuple, array or collection it returns, or a view of one (<see cref="Root"/>), and not what a call in it was given
    /// (<c>return Loss(model.call(x))</c> returns the loss).
    /// </summary>
    static HashSet<IdentifierNameSyntax> Returned(SyntaxNode member, SemanticModel model, Owners owners) =>
        [.. member.DescendantNodes()
            .Select(n => n switch { ReturnStatementSyntax r => r.Expression, YieldStatementSyntax y => y.Expression, ArrowExpressionClauseSyntax a => a.Expression, _ => null })
            .OfType<ExpressionSyntax>()
            .SelectMany(Parts)
            .Select(part => Root(part, model, owners))
            .OfType<IdentifierNameSyntax>()];

    /// <summary>
    /// The return (or arrow body) that hands <paramref name="read"/> to the method's caller, or null. The caller reads what it
    /// gets once the method has returned, after every call in it: a helper's <c>return (model, Metric.Measure(model))</c> gave
    /// its callers a model that homework code had held (a red team, stop 58: <c>Measure</c> left a hook on it that rewrote the
    /// test's own expected run).
    /// </summary>
    static SyntaxNode? Escapes(IdentifierNameSyntax read, SyntaxNode member) =>
        read.Ancestors().TakeWhile(n => n != member).FirstOrDefault(n => n is ReturnStatementSyntax or YieldStatementSyntax or ArrowExpressionClauseSyntax);

    /// <summary>
    /// A homework method; a library method called on a homework object (<c>model.call(x)</c> runs the homework's forward); or a
    /// delegate, which may be homework code (a test's <c>Func&lt;Tensor, Tensor&gt;</c> made from a homework method, a hook a
    /// homework method returned).
    /// </summary>
    static bool RunsHomeworkCode(SyntaxNode call, IMethodSymbol method, SemanticModel model, string homework) =>
        method.ContainingAssembly?.Name == homework
        || method.MethodKind == MethodKind.DelegateInvoke
        || (call is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } && !method.IsStatic
            && IsHomeworkType(model.GetTypeInfo(access.Expression).Type, homework));

    static bool IsHomeworkType(ITypeSymbol? type, string homework)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.ContainingAssembly?.Name == homework) return true;
        return false;
    }

    /// <summary>The expressions a call hands to homework code (or to a delegate): its arguments, and the receiver of an extension method.</summary>
    static IEnumerable<ExpressionSyntax> Given(SyntaxNode call, IMethodSymbol method)
    {
        var arguments = call switch
        {
            InvocationExpressionSyntax invocation => invocation.ArgumentList.Arguments,
            BaseObjectCreationExpressionSyntax creation => creation.ArgumentList?.Arguments ?? default,
            _ => default,
        };
        foreach (var argument in arguments)
            foreach (var given in Parts(argument.Expression))
                yield return given;
        if (method.ReducedFrom is not null && call is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
            yield return access.Expression;
    }

    /// <summary>An argument, or what it is built of when it is an array, a collection, a tuple or an object initializer: each element is given too.</summary>
    static IEnumerable<ExpressionSyntax> Parts(ExpressionSyntax expression)
    {
        IEnumerable<ExpressionSyntax> elements = expression switch
        {
            ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
            ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
            CollectionExpressionSyntax collection => collection.Elements.OfType<ExpressionElementSyntax>().Select(e => e.Expression),
            TupleExpressionSyntax tuple => tuple.Arguments.Select(a => a.Expression),
            BaseObjectCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions
                .Select(e => e is AssignmentExpressionSyntax assignment ? assignment.Right : e),
            _ => [],
        };
        yield return expression;
        foreach (var element in elements)
            foreach (var part in Parts(element))
                yield return part;
    }

    /// <summary>
    /// The tensor variable an expression can alias: <c>x</c>, <c>x[..^1]</c>, <c>x.to(device)</c> or <c>x.T</c> are <c>x</c> or
    /// views of it (<c>to</c> returns <c>x</c> itself when nothing changes), while <c>x.clone()</c>, <c>x * 2</c> or <c>f(x)</c> are new.
    /// </summary>
    static IdentifierNameSyntax? Root(ExpressionSyntax expression, SemanticModel model, Owners owners)
    {
        // A number, a string or an enum is given by value: control[3] of an array hands over the element, not the array.
        if (model.GetTypeInfo(expression).Type is { } handed && (handed.SpecialType != SpecialType.None || handed.TypeKind == TypeKind.Enum)) return null;
        while (true)
        {
            switch (expression)
            {
                case IdentifierNameSyntax name:
                    var type = model.GetSymbolInfo(name).Symbol switch { ILocalSymbol local => local.Type, IParameterSymbol parameter => parameter.Type, _ => null };
                    return type is not null && owners.IsTheTests(type) ? name : null;
                case MemberAccessExpressionSyntax access:
                    expression = access.Expression;
                    break;
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: var called } access } invocation:
                    if (called is "clone" or "detach_clone") return null;
                    // A module's output is a new tensor: model.call(tokens) gives homework code logits, not the model.
                    if (called is "call" or "forward" && IsModule(model.GetTypeInfo(access.Expression).Type)) return null;
                    expression = invocation.Expression;
                    break;
                case ElementAccessExpressionSyntax element:
                    expression = element.Expression;
                    break;
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                case PostfixUnaryExpressionSyntax suppressed when suppressed.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SuppressNullableWarningExpression):
                    expression = suppressed.Operand;
                    break;
                default:
                    return null;
            }
        }
    }

    /// <summary>Whose a value is once a test has made it: the test's, or the student's state (the homework's own objects).</summary>
    sealed class Owners(string homework, IReadOnlyCollection<string>? studentFiles)
    {
        public string Homework { get; } = homework;

        /// <summary>
        /// A tensor; a TorchSharp module that is not the student's (a model the test made or loaded, a given library's), whose
        /// weights homework code can change as it can a tensor's; an array or a collection class, whatever it holds, which
        /// homework code can write into (a red team, stop 56: hw2's tests checked the network against the sizes array they had
        /// given <c>Mlp</c>, and hw1's read back the ids they had given <c>Decode</c>); or an object that is not the student's
        /// and holds any of these (a given record of tensors such as a batch), whose contents homework code can reach.
        /// </summary>
        public bool IsTheTests(ITypeSymbol type) => IsTensor(type) || Holds(type, depth: 2);

        bool Holds(ITypeSymbol type, int depth)
        {
            if (depth == 0 || IsStudents(type) || type.SpecialType != SpecialType.None) return false;
            if (IsTensor(type) || IsModule(type)) return true;
            // An array, or a collection class, whatever it holds: homework code given one can write into it.
            if (type is IArrayTypeSymbol) return true;
            var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
            if (ns.StartsWith("System.Collections", StringComparison.Ordinal) && type is INamedTypeSymbol collection)
                return (collection.TypeKind == TypeKind.Class && !ns.StartsWith("System.Collections.Immutable", StringComparison.Ordinal)) || collection.TypeArguments.Any(t => Holds(t, depth));
            if (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)) return false;
            return type.GetMembers().Any(m => !m.IsStatic && m.DeclaredAccessibility == Accessibility.Public && m switch
            {
                IPropertySymbol property => Holds(property.Type, depth - 1),
                IFieldSymbol field => Holds(field.Type, depth - 1),
                _ => false,
            });
        }

        /// <summary>A homework type declared in a student file (every homework type when the student files are not known).</summary>
        bool IsStudents(ITypeSymbol type)
        {
            if (studentFiles is null) return IsHomeworkType(type, Homework);
            for (var t = type; t is not null; t = t.BaseType)
                if (t.ContainingAssembly?.Name == Homework && t.DeclaringSyntaxReferences.Any(r => studentFiles.Contains(r.SyntaxTree.FilePath.Replace('\\', '/'))))
                    return true;
            return false;
        }
    }

    /// <summary>A TorchSharp module, or a type derived from one.</summary>
    static bool IsModule(ITypeSymbol? type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t is { Name: "Module", ContainingType.Name: "nn", ContainingNamespace.Name: "TorchSharp" }) return true;
        return false;
    }

    /// <summary>
    /// A tensor, and not a <c>Parameter</c>: a parameter a test gives homework code (an optimizer's) is given to be changed in
    /// place, and the test reads it to see how.
    /// </summary>
    static bool IsTensor(ITypeSymbol type) => type is { Name: "Tensor", ContainingType.Name: "torch", ContainingNamespace.Name: "TorchSharp" };

    /// <summary>
    /// <c>hook(x, point) ?? x</c>: a hook's result, where null means it left (or changed) the activation it was given, is what the
    /// call made of <c>x</c>.
    /// </summary>
    static bool IsCallsFallback(IdentifierNameSyntax read, SyntaxNode call) =>
        read.Parent is BinaryExpressionSyntax coalesce && coalesce.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.CoalesceExpression)
        && coalesce.Right == read && coalesce.Left == call;

    static bool IsAssignedHere(IdentifierNameSyntax read) => read.Parent is AssignmentExpressionSyntax assignment && assignment.Left == read;

    /// <summary>Whether <paramref name="read"/> is, or is the variable behind, the value an assertion checks (its <c>actual</c>).</summary>
    static bool IsActualOfAnAssertion(IdentifierNameSyntax read, SemanticModel model)
    {
        SyntaxNode node = read;
        while (node.Parent is MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax
               or PostfixUnaryExpressionSyntax)
        {
            if (node.Parent is InvocationExpressionSyntax invocation && invocation.Expression != node) break;
            node = node.Parent;
        }
        return node.Parent is ArgumentSyntax argument && ParameterOf(argument, model)?.Name == Actual;
    }

    static IParameterSymbol? ParameterOf(ArgumentSyntax argument, SemanticModel model)
    {
        if (argument.Parent is not ArgumentListSyntax list || list.Parent is null || model.GetSymbolInfo(list.Parent).Symbol is not IMethodSymbol method) return null;
        if (argument.NameColon is { } named) return method.Parameters.FirstOrDefault(p => p.Name == named.Name.Identifier.Text);
        var index = list.Arguments.IndexOf(argument);
        return index < method.Parameters.Length ? method.Parameters[index] : method.Parameters.LastOrDefault(p => p.IsParams);
    }

    static int LineOf(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    static string Name(BaseMethodDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax method => method.Identifier.Text,
        ConstructorDeclarationSyntax constructor => constructor.Identifier.Text,
        _ => member.Kind().ToString(),
    };

    static string Shown(SyntaxNode call)
    {
        var text = string.Join(" ", call.ToString().Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        return text.Length <= 80 ? text : text[..79] + "…";
    }

    sealed class LineOfVariable : IEqualityComparer<(ISymbol Variable, int Line)>
    {
        public bool Equals((ISymbol Variable, int Line) x, (ISymbol Variable, int Line) y) =>
            x.Line == y.Line && SymbolEqualityComparer.Default.Equals(x.Variable, y.Variable);

        public int GetHashCode((ISymbol Variable, int Line) obj) => HashCode.Combine(SymbolEqualityComparer.Default.GetHashCode(obj.Variable), obj.Line);
    }
}
