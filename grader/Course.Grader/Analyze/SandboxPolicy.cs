using Course.Grader.Manifest;

namespace Course.Grader.Analyze;

/// <summary>
/// The allow-list every homework starts from: what a homework of this course needs (core types, math, collections,
/// LINQ, StringBuilder, and TorchSharp's tensor, nn, optim and functional APIs) and nothing that reaches files,
/// processes, the network, threads, reflection or native code. A manifest may widen it with <c>allowed_apis</c>, each
/// with a reason; the denials below hold whatever a manifest says.
/// </summary>
public static class SandboxPolicy
{
    public const string NotListed =
        "Homework code may use core types, math, collections, LINQ, StringBuilder and TorchSharp's tensor, nn, optim and functional APIs; " +
        "this is not among them.";
    const string Files = "Homework code may not touch the file system; the tests give you everything you need.";
    const string Native = "Homework code may not use native handles, pointers or libraries.";
    const string Threads = "Homework code may not start threads or background work; tensor ops are parallel already.";
    const string Reflection = "Homework code may not use reflection or run-time code generation.";
    const string Processes = "Homework code may not start processes.";
    const string Network = "Homework code may not use the network.";
    const string Exit = "Homework code may not end the process; throw an exception or return instead.";
    const string Environment = "Homework code may not read the environment or the machine's settings; the tests give you everything you need.";
    const string TestsDefaults =
        "Homework code may not change the defaults the tests make their tensors with; give dtype: or device: where you make a tensor.";
    const string TestsCulture =
        "Homework code may not read or change the current culture, which the tests' own code formats and parses with; use CultureInfo.InvariantCulture.";
    const string ProcessState =
        "Homework code may not keep state between calls, and this is a store or setting of the whole process (the seed, the thread " +
        "count, the print options, the string intern pool, the count of live tensors): it outlives the call. Take a Generator where you draw random numbers.";
    const string TestsTensors =
        "Homework code may not reach the tests' tensors through the dispose scope that holds them; make a scope of your own with NewDisposeScope().";
    const string ModuleHooks =
        "Homework code may not add TorchSharp's module hooks: they run inside a module whenever anyone calls it, and nothing a caller can read lists " +
        "them, so one left on a model a test gave you would change what the test runs. On a hooked model use its hook points (AddHook), and dispose each handle.";

    /// <summary>Why an API no entry allows is not allowed: the kind of door it opens, by where it lives (the allow-list decides; this only explains).</summary>
    static readonly (string Prefix, string Message)[] Reasons =
    [
        ("System.Environment.Exit", Exit), ("System.Environment.FailFast", Exit),
        ("System.Environment", Environment), ("System.AppContext", Environment),
        ("System.IO", Files), ("System.Xml", Files),
        ("System.Diagnostics.Process", Processes),
        ("System.Net", Network),
        ("System.Threading", Threads), ("System.Timers", Threads),
        // Parallel LINQ runs its query on worker threads.
        ("System.Linq.ParallelEnumerable", Threads), ("System.Linq.ParallelQuery", Threads), ("System.Linq.OrderedParallelQuery", Threads),
        ("System.Linq.ParallelExecutionMode", Threads), ("System.Linq.ParallelMergeOptions", Threads),
        ("System.Reflection", Reflection), ("System.Type", Reflection), ("System.Activator", Reflection), ("System.AppDomain", Reflection),
        ("System.Linq.Expressions", Reflection), ("System.Linq.Queryable", Reflection), ("System.Linq.IQueryable", Reflection), ("System.Runtime.Loader", Reflection),
        ("System.Runtime.CompilerServices", Reflection),
        ("System.Runtime.InteropServices", Native), ("System.IntPtr", Native), ("System.UIntPtr", Native),
    ];

    /// <summary>The reason for an API no entry allows, e.g. "Homework code may not touch the file system" for System.IO.File.ReadAllText.</summary>
    public static string Explain(Microsoft.CodeAnalysis.ISymbol symbol)
    {
        var name = symbol is Microsoft.CodeAnalysis.INamespaceSymbol ns ? ns.ToDisplayString()
            : symbol.ContainingType is { } type ? $"{type.ToDisplayString()}.{symbol.Name}"
            : symbol.ToDisplayString();
        return Reasons.FirstOrDefault(r => name == r.Prefix || name.StartsWith(r.Prefix + ".", StringComparison.Ordinal) || name.StartsWith(r.Prefix + "<", StringComparison.Ordinal)).Message
               ?? NotListed;
    }

    public static IReadOnlyList<AllowedApi> Allowed { get; } =
    [
        // Core types.
        .. Types("System", "Object", "String", "Char", "Boolean", "Byte", "SByte", "Int16", "UInt16", "Int32", "UInt32", "Int64", "UInt64",
            "Int128", "UInt128", "Half", "Single", "Double", "Decimal", "Void", "Nullable", "Enum", "ValueType", "Array", "ArraySegment",
            "Span", "ReadOnlySpan", "Memory", "ReadOnlyMemory", "MemoryExtensions", "Index", "Range", "Tuple", "ValueTuple", "TupleExtensions",
            "Func", "Action", "Predicate", "Comparison", "Converter", "Lazy", "Random", "Math", "MathF", "BitConverter", "Convert",
            "HashCode", "StringComparison", "StringComparer", "StringSplitOptions", "MidpointRounding", "TimeSpan",
            "IComparable", "IEquatable", "IComparer", "IDisposable", "IFormattable", "IFormatProvider", "ICloneable",
            "ISpanFormattable", "IUtf8SpanFormattable", "IParsable", "ISpanParsable", "FlagsAttribute", "ObsoleteAttribute",
            "AttributeUsageAttribute", "AttributeTargets", "Attribute", "ParamArrayAttribute"),
        new("M:System.Console.Write", "printing is how students debug; the grader keeps each test's output, cut to a few KB"),
        new("M:System.Console.WriteLine", "printing is how students debug; the grader keeps each test's output, cut to a few KB"),
        new("P:System.Environment.NewLine", "a constant"),
        // Collections, LINQ over objects (not expression trees or PLINQ), text.
        Namespace("System.Collections"),
        Namespace("System.Collections.Generic"),
        Namespace("System.Collections.ObjectModel"),
        .. Types("System.Linq", "Enumerable", "IGrouping", "ILookup", "Lookup", "IOrderedEnumerable"),
        .. Types("System.Text", "StringBuilder", "Rune", "Encoding", "UTF8Encoding", "ASCIIEncoding", "NormalizationForm"),
        .. Types("System.Text.RegularExpressions", "Regex", "RegexOptions", "Match", "MatchCollection", "Group", "GroupCollection", "Capture", "CaptureCollection"),
        .. Types("System.Globalization", "CultureInfo", "NumberStyles", "NumberFormatInfo", "UnicodeCategory", "CharUnicodeInfo"),
        Namespace("System.Numerics"),
        Namespace("System.Diagnostics.CodeAnalysis"),
        // TorchSharp: tensors, nn, optim, functional, distributions, linalg... (the denials below take out files, native handles and threads).
        Namespace("TorchSharp"),
        Namespace("TorchSharp.Modules"),
        .. Types("TorchSharp.Utils", "TensorAccessor", "OrderedDict"),
    ];

    public static IReadOnlyList<BannedApi> Denied { get; } =
    [
        new("M:System.Object.GetType", Reflection),
        new("T:System.Delegate", Reflection),
        new("T:System.MulticastDelegate", Reflection),
        new("T:System.Runtime.InteropServices.MemoryMarshal", Native),
        new("M:System.Text.RegularExpressions.Regex.CompileToAssembly", Files),
        new("M:TorchSharp.torch.save", Files),
        new("M:TorchSharp.torch.load", Files),
        new("M:TorchSharp.torch.from_file", Files),
        new("T:TorchSharp.torch.jit", Files),
        new("T:TorchSharp.torch.export", Files),
        new("T:TorchSharp.torch.hub", "Homework code may not use the network or the file system."),
        new("T:TorchSharp.torch.utils", "torch.utils (data loaders, tensorboard) reads and writes files and starts threads; homework code may not."),
        new("M:TorchSharp.torch.Tensor.save", Files),
        new("M:TorchSharp.torch.Tensor.load", Files),
        new("M:TorchSharp.torch.Tensor.Load", Files),
        new("M:TorchSharp.torch.Tensor.ReadBytesFromStream", Files),
        new("M:TorchSharp.torch.Tensor.WriteBytesToStream", Files),
        new("M:TorchSharp.torch.Tensor.UnsafeCreateTensor", Native),
        // A tensor over a managed array's memory, with a count and an element type of the caller's choosing. TorchSharp 0.107
        // bounds the count by the array's length in elements, not in bytes: it accepted a byte[16] as 16 int64s, 128 bytes.
        // No homework needs it, and what it then reads was not worth finding out.
        new("M:TorchSharp.torch.frombuffer", Native),
        new("M:TorchSharp.TensorExtensionMethods.Save", Files),
        new("M:TorchSharp.TensorExtensionMethods.Load", Files),
        new("M:TorchSharp.torch.nn.Module.save", Files),
        new("M:TorchSharp.torch.nn.Module.load", Files),
        new("M:TorchSharp.torch.nn.Module.save_state_dict", Files),
        new("M:TorchSharp.torch.nn.Module.Create", Files),
        new("M:TorchSharp.Modules.OptimizerHelper.save_state_dict", Files),
        new("M:TorchSharp.Modules.OptimizerHelper.load_state_dict(System.String)", Files),
        new("M:TorchSharp.Modules.OptimizerHelper.load_state_dict(System.IO.BinaryReader)", Files),
        new("T:TorchSharp.Modules.DataLoader", Threads),
        new("T:TorchSharp.Modules.DataLoader`2", Threads),
        new("T:TorchSharp.Modules.IterableDataLoader", Threads),
        new("T:TorchSharp.Modules.SummaryWriter", Files),
        new("T:TorchSharp.ExportedProgram", Files),
        new("T:TorchSharp.ExportedProgram`1", Files),
        new("T:TorchSharp.FieldInfoExtensionMethods", Reflection),
        new("T:TorchSharp.DistanceFunctionNative", Native),
        new("T:TorchSharp.AllocatePinnedArray", Native),
        new("T:TorchSharp.AllocateIndexedNativeTensorOrScalarArray", Native),
        // Windows onto a tensor's native memory whose pointer is read once and can outlive the tensor's storage: a storage, and a
        // span over the tensor's bytes. The accessor that data<T>() makes is held to a copy at once instead (TensorAccessors).
        new("T:TorchSharp.torch.Storage", Native),
        new("T:TorchSharp.torch.Storage`1", Native),
        new("M:TorchSharp.torch.Tensor.storage", Native),
        new("P:TorchSharp.torch.Tensor.bytes", Native),
        // A test's tensors (its inputs, its expected values, the goldens it loaded) live in the dispose scope TorchScope opens
        // around it: the scope that holds them, what a scope holds, and the thread's scope statistics are not homework code's to read.
        new("P:TorchSharp.torch.CurrentDisposeScope", TestsTensors),
        new("P:TorchSharp.DisposeScope.DisposablesView", TestsTensors),
        new("T:TorchSharp.DisposeScopeManager", TestsTensors),
        new("T:TorchSharp.ThreadDisposeScopeStatistics", TestsTensors),
        // The tests build their inputs and expected values with the process's default dtype and device, and a tolerance
        // follows the expected value's dtype: homework code that changed them would change what it is checked against.
        // A red team (stop 59) left one on the attention of hw8's model, acting only with gradients on: the test's check that
        // the model was left unchanged ran it without, and a hook point's count (HookedPointNames) never sees such a hook.
        new("M:TorchSharp.torch.nn.HookableModule`2.register_forward_hook", ModuleHooks),
        new("M:TorchSharp.torch.nn.HookableModule`2.register_forward_pre_hook", ModuleHooks),
        new("M:TorchSharp.torch.set_default_dtype", TestsDefaults),
        new("M:TorchSharp.torch.set_default_tensor_type", TestsDefaults),
        new("M:TorchSharp.torch.set_default_device", TestsDefaults),
        // The culture the tests' own code formats and parses numbers and text with; CultureInfo.InvariantCulture stays.
        new("P:System.Globalization.CultureInfo.CurrentCulture", TestsCulture),
        new("P:System.Globalization.CultureInfo.CurrentUICulture", TestsCulture),
        new("P:System.Globalization.CultureInfo.DefaultThreadCurrentCulture", TestsCulture),
        new("P:System.Globalization.CultureInfo.DefaultThreadCurrentUICulture", TestsCulture),
        // The current culture's number format, the same culture by another door (a red team, stop 60): read-only in the
        // worker, which runs with invariant globalization, and refused here so the rule does not rest on that setting.
        new("P:System.Globalization.NumberFormatInfo.CurrentInfo", TestsCulture),
        // Process-wide stores and settings that homework code could set in one call and read back in another (a red team, stop
        // 55, carried a test's planted directions bit by bit through interned strings): state between calls, which homework
        // code may not keep (StaticState refuses it in homework types). A Generator the tests hand over is drawn from, not reseeded.
        new("M:System.String.Intern", ProcessState),
        // Counters of the process's live tensors: a call that leaves N tensors alive (DetachFromDisposeScope) is read back as N
        // by a later call, in a later test (a red team, stop 57). AllowListTests reads every static value the list lets
        // through before and after tensor work, and fails on one that moves.
        new("P:TorchSharp.torch.Tensor.TotalCount", ProcessState),
        new("P:TorchSharp.torch.Tensor.PeakCount", ProcessState),
        new("M:System.String.IsInterned", ProcessState),
        new("P:System.Text.RegularExpressions.Regex.CacheSize", ProcessState),
        new("M:TorchSharp.torch.manual_seed", ProcessState),
        new("M:TorchSharp.torch.seed", ProcessState),
        new("M:TorchSharp.torch.random.manual_seed", ProcessState),
        new("M:TorchSharp.torch.random.seed", ProcessState),
        new("M:TorchSharp.torch.random.set_rng_state", ProcessState),
        new("M:TorchSharp.torch.random.get_rng_state", ProcessState),
        new("T:TorchSharp.torch.cuda", ProcessState),
        new("T:TorchSharp.torch.backends", ProcessState),
        new("M:TorchSharp.torch.set_num_threads", ProcessState),
        new("M:TorchSharp.torch.set_num_interop_threads", ProcessState),
        new("M:TorchSharp.torch.set_printoptions", ProcessState),
        new("M:TorchSharp.torch.autograd.set_detect_anomaly", ProcessState),
        new("M:TorchSharp.torch.autograd.detect_anomaly", ProcessState),
        new("M:TorchSharp.torch.set_rng_state", ProcessState),
        new("M:TorchSharp.torch.set_deterministic_debug_mode", ProcessState),
        // A setting of the whole process. TorchSharp 0.107 marks it obsolete as an error, so no call compiles; the entry holds
        // for a version that has it. (Inference mode, a mode of the thread, stays allowed as no_grad does: TorchScope puts
        // both back before every test.)
        new("M:TorchSharp.torch.use_deterministic_algorithms", ProcessState),
        new("M:TorchSharp.torch.set_float32_matmul_precision", ProcessState),
        new("M:TorchSharp.torch.set_warn_always", ProcessState),
        new("P:TorchSharp.torch.TensorStringStyle", ProcessState),
        new("M:TorchSharp.torch.Generator.manual_seed", ProcessState),
        new("M:TorchSharp.torch.Generator.seed", ProcessState),
        new("M:TorchSharp.torch.Generator.set_state", ProcessState),
        new("M:TorchSharp.torch.InitializeDeviceType", Native),
        new("M:TorchSharp.torch.TryInitializeDeviceType", Native),
        new("M:TorchSharp.torch.InitializeDevice", Native),
        new("M:TorchSharp.torch.TryInitializeDevice", Native),
    ];

    /// <summary>
    /// Refuses a library member or type whose name says it skips the runtime's checks: "Unsafe" or "Dangerous", .NET's and
    /// TorchSharp's own mark for a read or write that nothing bounds (<c>Vector.LoadUnsafe</c> and <c>Vector.StoreUnsafe</c>
    /// take a reference and an offset and check neither, so safe code could write past an array's end and over the worker's
    /// memory: the tests' expected values and the result nonce live there). Whatever entry allows its type or namespace, and
    /// for members a later runtime or library adds under that mark too. Null for anything else.
    /// </summary>
    public static string? Unchecked(Microsoft.CodeAnalysis.ISymbol definition) =>
        definition.Name.Contains("Unsafe", StringComparison.Ordinal) || definition.Name.Contains("Dangerous", StringComparison.Ordinal) ? UncheckedMemory
        : Uninitialised(definition) ? UninitialisedMemory
        : UncheckedIndices(definition) ?? UnreviewedIndices(definition);

    const string UncheckedMemory = Native + " This one reads or writes memory without the runtime's bounds checks.";

    /// <summary>
    /// A TorchSharp member named, as libtorch names them, for a tensor whose memory it does not write: <c>empty</c>,
    /// <c>empty_like</c>, <c>empty_strided</c>, <c>new_empty</c>, <c>resize_</c>, <c>resize_as_</c>, and any a later version
    /// adds under those names. libtorch hands such a tensor the bytes a freed one left, on the CPU (malloc) as on a GPU (its
    /// caching allocator): a red team (stop 57) planted a stage's output in memory it freed at once and read it back with
    /// <c>torch.empty</c> in a stub <c>Transformer.forward</c> that the next check called (7 points in hw4), and found the
    /// expected values an earlier test had freed. .NET zeroes what it allocates.
    /// </summary>
    static bool Uninitialised(Microsoft.CodeAnalysis.ISymbol definition) =>
        InTorchSharp(definition)
        && (definition.Name == "empty" || definition.Name.StartsWith("empty_", StringComparison.Ordinal)
            || definition.Name.StartsWith("new_empty", StringComparison.Ordinal) || definition.Name.StartsWith("resize", StringComparison.Ordinal));

    /// <summary>
    /// The ops libtorch runs without checking their indices, found by a red team's sweep (stop 57) of about a hundred
    /// index-taking ones, each refused by a fragment of its TorchSharp names, whatever a later version adds under them:
    /// <list type="bullet">
    /// <item>sparse tensors (<c>sparse_coo_tensor</c>, <c>to_sparse</c>, <c>SparseIndices</c>, ...): libtorch does not check a
    /// sparse COO tensor's indices against its size unless asked, and TorchSharp cannot ask, so <c>dense.add_(sparse)</c>
    /// wrote at any offset from the dense tensor, into a tensor made before it, where the tests' expected values live;</item>
    /// <item>the CTC loss (<c>CTCLoss</c>, <c>ctc_loss</c>): it does not check its targets against the number of classes, so
    /// a target past it read the float at any offset from its input, and its backward writes there.</item>
    /// </list>
    /// No homework needs them.
    /// </summary>
    static readonly (string Fragment, string Message)[] UncheckedIndexOps =
    [
        ("sparse", "Homework code may not use sparse tensors: libtorch does not check their indices against their size, so adding one to a dense tensor " +
                   "can write outside it, into memory the tests own. Count with bincount or index_put_ (accumulate: true), which check their indices."),
        ("ctc", "Homework code may not use the CTC loss: libtorch does not check its targets against the number of classes, so it can read and write " +
                "outside its tensors, into memory the tests own."),
    ];

    static string? UncheckedIndices(Microsoft.CodeAnalysis.ISymbol definition) =>
        InTorchSharp(definition)
            ? UncheckedIndexOps.FirstOrDefault(op => definition.Name.Contains(op.Fragment, StringComparison.OrdinalIgnoreCase)).Message
            : null;

    /// <summary>
    /// The TorchSharp ops that take a tensor of indices and whose indices libtorch is known to check, by name (a module by its
    /// type's): each throws on an index out of range, which <c>IndexOpsTests</c> runs in a worker for every one of them. An op
    /// that takes indices (<see cref="TakesIndices"/>) and is not here is refused, whatever a later TorchSharp adds: libtorch
    /// skips the check in some, and red teams found four one at a time (sparse tensors and the CTC loss, stop 57;
    /// <c>linalg.ldl_solve</c>, whose pivots it does not check, so that it read and wrote the float at any offset past its
    /// output, and <c>PackedSequence</c>'s batch sizes, stop 58). Not here, though they take indices: <c>pack_padded_sequence</c>, which no homework needs and no red team has
    /// swept, and <c>index_reduce</c>, which TorchSharp 0.107 marks obsolete as an error. <c>take_along_dim</c> along a
    /// dimension takes an index modulo its size in TorchSharp 0.107, which stays within the tensor, and throws without one.
    /// </summary>
    public static IReadOnlySet<string> ReviewedIndexOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // Gather and scatter.
        "gather", "take", "take_along_dim", "index_select", "index", "TensorItems", "index_put_",
        "scatter", "scatter_", "scatter_add", "scatter_add_", "index_add", "index_add_", "index_copy", "index_copy_", "index_fill", "index_fill_",
        // Split points, which libtorch clamps to the tensor.
        "tensor_split", "hsplit", "vsplit", "dsplit",
        // A sorter, pivots, a pooling's indices, a bag's offsets.
        "searchsorted", "lu_solve", "lu_unpack", "max_unpool1d", "max_unpool2d", "max_unpool3d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "EmbeddingBag",
    };

    /// <summary>
    /// The parameter names by which TorchSharp (after PyTorch) takes a tensor of indices into another tensor: <c>index</c>,
    /// <c>indices</c>, <c>pivots</c>, <c>offsets</c>, <c>sorter</c>, <c>targets</c> (of the CTC loss), <c>lengths</c>,
    /// <c>batch_sizes</c>. A name is all there is to go by: every tensor has one type whatever its values. TorchSharp calls the other operand of <c>add</c> or
    /// <c>eq</c> "target", so the one target of a loss is not among them; the losses that take class indices
    /// (<c>nll_loss</c>, <c>cross_entropy</c>, <c>multi_margin_loss</c>) were swept and check them, as do <c>embedding</c>,
    /// <c>one_hot</c> and <c>bincount</c>, whose indices are their input.
    /// </summary>
    static readonly System.Text.RegularExpressions.Regex IndexParameter =
        new("^(index|indices|.*_indices|indices_.*|.*pivots|offsets|sorter|targets|.*lengths|.*_sizes)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    /// <returns>
    /// The names by which a TorchSharp member, a module type's forward, or a type's public tensors take or hold a tensor of
    /// indices; empty for any other. A type that holds them is fed to ops that trust them: <c>PackedSequence.batch_sizes</c>,
    /// a public field homework code could write, is what <c>pad_packed_sequence</c> writes by, and a negative one wrote
    /// before the start of a new buffer (a red team, stop 58).
    /// </returns>
    public static IReadOnlyList<string> TakesIndices(Microsoft.CodeAnalysis.ISymbol definition)
    {
        if (!InTorchSharp(definition)) return [];
        IEnumerable<(string Name, Microsoft.CodeAnalysis.ITypeSymbol Type)> taken = definition switch
        {
            Microsoft.CodeAnalysis.IMethodSymbol method => method.Parameters.Select(p => (p.Name, p.Type)),
            Microsoft.CodeAnalysis.IPropertySymbol indexer => indexer.Parameters.Select(p => (p.Name, p.Type)),
            Microsoft.CodeAnalysis.INamedTypeSymbol type => type.GetMembers("forward").OfType<Microsoft.CodeAnalysis.IMethodSymbol>().SelectMany(f => f.Parameters).Select(p => (p.Name, p.Type))
                .Concat(type.GetMembers().Where(m => !m.IsStatic && m.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public).SelectMany(Held)),
            _ => [],
        };
        return [.. taken.Where(t => IsTensors(t.Type) && IndexParameter.IsMatch(t.Name)).Select(t => t.Name).Distinct()];
    }

    /// <summary>A public field's or property's name and type: what a type holds for whoever is given it.</summary>
    static IEnumerable<(string Name, Microsoft.CodeAnalysis.ITypeSymbol Type)> Held(Microsoft.CodeAnalysis.ISymbol member) => member switch
    {
        Microsoft.CodeAnalysis.IFieldSymbol field => [(field.Name, field.Type)],
        Microsoft.CodeAnalysis.IPropertySymbol { Parameters.Length: 0 } property => [(property.Name, property.Type)],
        _ => [],
    };

    /// <summary>The name <see cref="ReviewedIndexOps"/> knows a member by: a module's forward or call by its type's, an indexer by its metadata name.</summary>
    public static string IndexOpName(Microsoft.CodeAnalysis.ISymbol definition) => definition switch
    {
        Microsoft.CodeAnalysis.IMethodSymbol { Name: "forward" or "call", ContainingType: { } module } => module.Name,
        Microsoft.CodeAnalysis.IPropertySymbol { IsIndexer: true } indexer => indexer.MetadataName,
        _ => definition.Name,
    };

    static string? UnreviewedIndices(Microsoft.CodeAnalysis.ISymbol definition) =>
        TakesIndices(definition) is { Count: > 0 } indices && !ReviewedIndexOps.Contains(IndexOpName(definition))
            ? $"Homework code may not use {IndexOpName(definition)}: it takes or holds a tensor of indices ({string.Join(", ", indices)}), and libtorch does not check " +
              "every op's indices, so one out of range could read or write memory the tests own. Only the index ops it is known to check are allowed: " +
              "gather, index_select, scatter, index_put_, take_along_dim, indexing with a tensor, and a few more."
            : null;

    /// <summary>A tensor, a tensor index, or an array or generic of them.</summary>
    static bool IsTensors(Microsoft.CodeAnalysis.ITypeSymbol type) => type switch
    {
        Microsoft.CodeAnalysis.IArrayTypeSymbol array => IsTensors(array.ElementType),
        Microsoft.CodeAnalysis.INamedTypeSymbol { Name: "Tensor" or "TensorIndex" } named => InTorchSharp(named),
        Microsoft.CodeAnalysis.INamedTypeSymbol { IsGenericType: true } generic => generic.TypeArguments.Any(IsTensors),
        _ => false,
    };

    static bool InTorchSharp(Microsoft.CodeAnalysis.ISymbol definition) =>
        definition.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "TorchSharp" || ns.StartsWith("TorchSharp.", StringComparison.Ordinal));

    const string UninitialisedMemory =
        "Homework code may not make a tensor whose values it does not write (torch.empty, empty_like, new_empty, resize_): its memory " +
        "holds whatever an earlier tensor left there, the tests' freed values among them. Use zeros, ones or full, or a function that computes the values.";

    /// <summary>The allow-list of a homework: this policy, widened by its manifest's <c>allowed_apis</c>.</summary>
    public static AllowList For(AssignmentManifest manifest) => For(manifest.ExtraAllowedApis);

    public static AllowList For(IEnumerable<AllowedApi> extra) => new([.. Allowed, .. extra], Denied, Explain, d => Unchecked(d) ?? KeptForTheTests(d));

    /// <summary>
    /// A given library's member that its author keeps for the tests, marked <c>[NotForHomework("why")]</c> (an attribute of
    /// that name in the library: a hooked model's members that run or remove the hooks other code added, by which homework
    /// code changed a test's own run). Null for anything else. The library decides, since it knows which of its members
    /// reach past the caller's part; whatever entry allows the library, such a member is refused.
    /// </summary>
    public static string? KeptForTheTests(Microsoft.CodeAnalysis.ISymbol definition) =>
        definition.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "NotForHomeworkAttribute") is { } mark
            ? $"Homework code may not use {definition.ContainingType?.Name}.{definition.Name}: " +
              (mark.ConstructorArguments is [{ Value: string reason }] ? reason : "its library keeps it for the tests.")
            : null;

    static AllowedApi Namespace(string name) => new($"N:{name}", "");

    static IEnumerable<AllowedApi> Types(string ns, params string[] names) => names.Select(n => new AllowedApi($"T:{ns}.{n}", ""));
}
