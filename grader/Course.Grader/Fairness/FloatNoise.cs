using System.Security.Cryptography;
using System.Text;
using Course.Grader.Compile;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Course.Grader.Fairness;

/// <summary>
/// Simulates the rounding of other hardware in all the code that computes a homework's results: its own files (the
/// student's and the given ones) and its given libraries (a model to study, say). Every TorchSharp operation that code calls
/// whose floating result depends on the order of its arithmetic or on a library's approximation (matrix products,
/// reductions, softmax, exp and log, a TorchSharp layer's forward: anything not listed in <see cref="ExactOperations"/>)
/// has its result moved by a fixed function of each value, up to about 8 units in the last place of its dtype: 1e-6 relative
/// in float32 at most (half that on average), the same number of ulps (1e-6 × 2⁻²⁹) in float64. A GPU's reductions, summed in another order, move
/// results by that much, and the change flows through every later layer the way such noise does; a test whose
/// tolerance only holds for the CPU's order of operations fails under it. Operations that IEEE arithmetic makes exact
/// on any hardware (copying, indexing, masking, elementwise + − × ÷ and sqrt, comparisons, max and sort) stay exact, so
/// tests that claim exactness for them still can. The change is deterministic (a value always moves the same way: no
/// fresh noise per call), is a constant to autograd, and leaves integer, boolean and non-finite values alone. A sum or
/// product (<see cref="SumsAndProducts"/>) also keeps its whole values below 2^(its dtype's significand bits): sums and
/// products of whole numbers (a count of 0s and 1s, a one-hot product) are exact in any order, on any machine. A mean,
/// which divides, still gets the noise.
/// The test code itself is left as written: it states what is expected.
/// </summary>
public static class FloatNoise
{
    /// <summary>The relative size of the change in float32.</summary>
    public const double Float32Relative = 1e-6;

    /// <summary>The file added to the homework's assembly, holding <c>Apply</c>.</summary>
    public const string HelperPath = "(course)/FloatNoise.g.cs";

    const string Helper = "global::CourseFloatNoise.Noise";

    /// <summary>
    /// TorchSharp methods whose results are the same bits on every IEEE 754 machine: they create, copy, move, index, mask
    /// or select values, or do one correctly rounded elementwise operation. In-place methods (a trailing '_') return
    /// their receiver and are never wrapped either. Random draws are the test's stream, not arithmetic.
    /// </summary>
    public static readonly IReadOnlySet<string> ExactOperations = new HashSet<string>(StringComparer.Ordinal)
    {
        // creation and random draws
        "zeros", "ones", "full", "empty", "arange", "eye", "tensor", "from_array", "as_tensor", "zeros_like", "ones_like", "full_like",
        "empty_like", "tril", "triu", "randn", "rand", "randint", "randperm", "multinomial", "normal", "bernoulli", "rand_like", "randn_like",
        // shape, dtype, device and copies
        "view", "view_as", "reshape", "reshape_as", "transpose", "swapaxes", "permute", "t", "unsqueeze", "squeeze", "flatten", "unflatten",
        "expand", "expand_as", "broadcast_to", "repeat", "repeat_interleave", "tile", "contiguous", "clone", "detach", "to", "to_type", "type",
        "cpu", "cuda", "float", "double", "half", "narrow", "slice", "select", "index", "index_select", "gather", "take", "take_along_dim",
        "scatter", "masked_fill", "masked_select", "masked_scatter", "where", "cat", "concat", "concatenate", "stack", "hstack", "vstack",
        "chunk", "split", "tensor_split", "unbind", "flip", "fliplr", "flipud", "roll", "diag", "diagonal", "diag_embed", "one_hot",
        "embedding", "pad", "movedim", "moveaxis", "requires_grad_", "with_requires_grad", "nan_to_num",
        // the same tensor, handed to another dispose scope: wrapping it would make a new tensor in the inner scope, disposed with it
        "MoveToOuterDisposeScope", "MoveToOtherDisposeScope", "DetachFromDisposeScope", "DetatchFromDisposeScope",
        // one correctly rounded elementwise operation
        "add", "sub", "subtract", "mul", "multiply", "div", "divide", "true_divide", "neg", "negative", "abs", "absolute", "relu", "clamp",
        "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmax", "fmin", "floor", "ceil", "round", "trunc", "sign", "sgn", "sqrt",
        "square", "reciprocal", "copysign", "heaviside", "remainder", "fmod", "outer", "ger",
        // selection
        "max", "min", "amax", "amin", "argmax", "argmin", "topk", "sort", "argsort", "kthvalue", "cummax", "cummin", "unique", "nonzero",
        "eq", "ne", "lt", "le", "gt", "ge", "isnan", "isinf", "isfinite", "logical_and", "logical_or", "logical_not", "any", "all",
    };

    /// <summary>
    /// TorchSharp methods that only add and multiply: their whole results within the significand are what any order of
    /// their arithmetic gives, so the noise leaves those values alone.
    /// </summary>
    public static readonly IReadOnlySet<string> SumsAndProducts = new HashSet<string>(StringComparer.Ordinal)
    {
        "sum", "nansum", "cumsum", "prod", "cumprod", "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "einsum", "tensordot",
        "trace", "baddbmm", "addmm", "addmv", "addbmm", "linear", "bilinear",
    };

    /// <summary>TorchSharp layers whose forward is exact (a lookup, a reshape, a rectifier).</summary>
    static readonly HashSet<string> ExactModules = new(StringComparer.Ordinal) { "Embedding", "Dropout", "Identity", "ReLU", "Flatten", "Unflatten" };

    /// <summary>
    /// The code's files with every inexact TorchSharp call wrapped in the noise, plus the helper; code that does not compile
    /// is returned as it is.
    /// </summary>
    /// <exception cref="InvalidOperationException">TorchSharp is not referenced.</exception>
    /// <param name="code">A homework (every file of it: the given ones run on the same hardware as the student's) or a given library.</param>
    /// <param name="givenLibraries">The homework's given libraries, which it compiles against: to carry the noise into
    /// their code too, pass them as <see cref="Apply(GivenLibrarySources, IReadOnlyList{string})"/> makes them, compiled.</param>
    public static AssemblySources Apply(AssemblySources code, IReadOnlyList<string> libraryPaths, IReadOnlyList<GivenLibrary>? givenLibraries = null)
    {
        var (compilation, _) = CompileStage.ForReading(new CompileRequest(code, [], libraryPaths, givenLibraries));
        // Code that does not compile is returned as it is: grading it reports its errors.
        if (compilation.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error)) return code;
        var tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor")
                     ?? throw new InvalidOperationException("cannot add float noise: TorchSharp's Tensor type is not referenced");
        var files = code.Files.Select(file =>
        {
            var tree = compilation.SyntaxTrees.Single(t => t.FilePath == file.Path);
            var rewritten = new Rewriter(compilation.GetSemanticModel(tree), tensor).Visit(tree.GetRoot());
            return file with { Text = rewritten.ToFullString() };
        });
        return code with { Files = [.. files, new SourceFile(HelperPath, HelperSource)] };
    }

    /// <summary>
    /// A given library with the noise in its code, to compile with <see cref="GivenLibraries.Compile"/>: what the homework and
    /// its tests compile and run against in a noisy grade. Its content hash is its own, so no cache mixes the two.
    /// </summary>
    /// <exception cref="InvalidOperationException">The library does not reference TorchSharp.</exception>
    public static GivenLibrarySources Apply(GivenLibrarySources library, IReadOnlyList<string> libraryPaths) => library with
    {
        Sources = Apply(library.Sources, libraryPaths),
        ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"float noise\0{library.ContentHash}"))),
    };

    /// <summary>Whether a call of <paramref name="method"/> on a receiver of type <paramref name="receiver"/> gets the noise.</summary>
    static bool Inexact(IMethodSymbol method, ITypeSymbol? receiver, INamedTypeSymbol tensor)
    {
        if (method.ContainingAssembly?.Name != "TorchSharp" || !SymbolEqualityComparer.Default.Equals(method.ReturnType, tensor)) return false;
        var name = method.Name;
        if (name.EndsWith('_') || ExactOperations.Contains(name)) return false;
        // A layer's forward: TorchSharp's own layers compute, a homework's module is student code whose own calls get the noise.
        if (name is "call" or "forward")
            return receiver is not null && receiver.ContainingAssembly?.Name == "TorchSharp" && !ExactModules.Contains(receiver.Name);
        // Operations: Tensor's methods and extension methods, and torch's functions (torch, torch.nn.functional, torch.linalg, ...);
        // not an optimizer's step or a scheduler, whose tensor (if any) is no computed value.
        return SymbolEqualityComparer.Default.Equals(method.ContainingType, tensor) || method.ContainingType.Name == "TensorExtensionMethods" ||
               InsideTorch(method.ContainingType);
    }

    static bool InsideTorch(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.ContainingType)
            if (type.Name == "torch" && type.ContainingNamespace?.Name == "TorchSharp" && type.ContainingType is null) return true;
        return false;
    }

    sealed class Rewriter(SemanticModel model, INamedTypeSymbol tensor) : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
        {
            var visited = (ExpressionSyntax)base.VisitInvocationExpression(node)!;
            if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol method) return visited;
            var receiver = node.Expression is MemberAccessExpressionSyntax access ? model.GetTypeInfo(access.Expression).Type : null;
            if (!Inexact(method, receiver, tensor)) return visited;
            var helper = Helper + (SumsAndProducts.Contains(method.Name) ? ".ApplyKeepingWholeNumbers" : ".Apply");
            return SyntaxFactory.InvocationExpression(SyntaxFactory.ParseExpression(helper),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(visited.WithoutTrivia()))))
                .WithTriviaFrom(visited);
        }
    }

    /// <summary>
    /// x + x·2r·(((12345.678·x) mod 1) − ½) for finite x: a sawtooth of the value, so each value moves by at most r of
    /// itself, up or down, in a pattern no test can line up with (in float32, values above about 1400 have no fraction
    /// left after the product and all move by −r of themselves). The change is computed without autograd and added as a
    /// constant. Few and cheap operations, in place on two temporaries, with no Scalar made per call: a training loop calls
    /// it thousands of times, and in a given model every one of its layers does (a sine of such large arguments, the first
    /// version, cost more than all the rest together; libtorch's remainder, the second, twice the floor that replaced it).
    /// </summary>
    const string HelperSource = """
        // Added by `course validate` to simulate other hardware's rounding; not part of the homework.
        namespace CourseFloatNoise
        {
            internal static class Noise
            {
                // Made once: an implicit Scalar per call would be four allocations, and four finalizers, per operation.
                static readonly TorchSharp.Scalar Scale = TorchSharp.ScalarExtensionMethods.ToScalar(12345.678);
                static readonly TorchSharp.Scalar Half = TorchSharp.ScalarExtensionMethods.ToScalar(0.5);
                static readonly TorchSharp.Scalar Float32Size = TorchSharp.ScalarExtensionMethods.ToScalar(2e-6);
                static readonly TorchSharp.Scalar Float64Size = TorchSharp.ScalarExtensionMethods.ToScalar(2e-6 / 536870912.0);
                static readonly TorchSharp.Scalar Zero = TorchSharp.ScalarExtensionMethods.ToScalar(0.0);
                static readonly TorchSharp.Scalar Float32Whole = TorchSharp.ScalarExtensionMethods.ToScalar(16777216.0); // 2^24
                static readonly TorchSharp.Scalar Float64Whole = TorchSharp.ScalarExtensionMethods.ToScalar(9007199254740992.0); // 2^53

                [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
                public static TorchSharp.torch.Tensor? Apply(TorchSharp.torch.Tensor? value) => Move(value, keepWholeNumbers: false);

                // A sum or product: its whole values within the significand are exact in any order of its arithmetic.
                [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
                public static TorchSharp.torch.Tensor? ApplyKeepingWholeNumbers(TorchSharp.torch.Tensor? value) => Move(value, keepWholeNumbers: true);

                [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
                static TorchSharp.torch.Tensor? Move(TorchSharp.torch.Tensor? value, bool keepWholeNumbers)
                {
                    if (value is null) return null;
                    var (size, whole) = value.dtype switch
                    {
                        TorchSharp.torch.ScalarType.Float32 => (Float32Size, Float32Whole),
                        TorchSharp.torch.ScalarType.Float64 => (Float64Size, Float64Whole),
                        _ => (null, null),
                    };
                    if (size is null || whole is null) return value;
                    using var x = value.detach();
                    using var change = x.mul(Scale);
                    // mod 1 as the value less its floor: the same bits as remainder(1), in half the time (floor is vectorised).
                    using var floor = change.floor();
                    change.sub_(floor).sub_(Half).mul_(x).nan_to_num_(0, 0, 0);
                    if (!keepWholeNumbers) return value.add(change, size);
                    using var fraction = x.frac();
                    using var exact = fraction.eq(Zero);
                    using var magnitude = x.abs();
                    using var small = magnitude.le(whole);
                    change.masked_fill_(exact.logical_and_(small), Zero);
                    return value.add(change, size);
                }
            }
        }
        """;
}
