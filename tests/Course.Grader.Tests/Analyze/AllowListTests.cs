using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// The sandbox's allow-list against the real BCL and TorchSharp: each way out (files, processes, network, threads,
/// reflection, native code, dynamic, the grader's own types) is refused by symbol, explicit or implicit, and what
/// homework code needs keeps compiling clean.
/// </summary>
public class AllowListTests
{
    /// <summary>Compiles <paramref name="body"/> as a method of a homework class, against the homework's references only.</summary>
    internal static (CompileResult Compiled, AnalysisResult? Analysis) Check(string body, string members = "", IEnumerable<AllowedApi>? extra = null)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;
            using System.Text;
            using TorchSharp;
            using static TorchSharp.torch;

            namespace Tiny.Homework;

            public class Student
            {
                public object? Run(Tensor x, int[] xs, List<double> list, Func<int, int> f, object o)
                {
                    {{body}}
                }
                {{members}}
            }
            """;
        var compiled = CompileStage.Compile(new CompileRequest(
            new AssemblySources(TinyHomework.HomeworkName, [new SourceFile("Student.cs", source)], ["System.IO", "System.Net.Http", "System.Threading.Tasks"]),
            [], TinyHomework.Worker.Value.LibraryAssemblies));
        var analysis = compiled.Homework.Success ? AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For(extra ?? []), []) : null;
        return (compiled, analysis);
    }

    static string Violations(AnalysisResult analysis) => string.Join("\n", analysis.Violations);

    // Files and the environment.
    [TestCase("return File.ReadAllText(\"/etc/passwd\");", "System.IO.File.ReadAllText(string)")]
    [TestCase("return new FileStream(\"/tmp/x\", FileMode.Create);", "System.IO.FileStream")]
    [TestCase("return Directory.GetFiles(\"/\");", "System.IO.Directory.GetFiles(string)")]
    [TestCase("return new System.IO.Enumeration.FileSystemEnumerable<string>(\"/\", (ref System.IO.Enumeration.FileSystemEntry e) => e.ToFullPath());", "System.IO.Enumeration.FileSystemEnumerable<string>")]
    [TestCase("return System.Xml.XmlReader.Create(\"/root/secret.xml\");", "System.Xml.XmlReader.Create(string)")]
    [TestCase("return new System.Xml.XmlUrlResolver().GetEntity(new Uri(\"file:///etc/passwd\"), null, null);", "System.Xml.XmlUrlResolver")]
    [TestCase("return Environment.GetEnvironmentVariable(\"GITHUB_TOKEN\");", "System.Environment.GetEnvironmentVariable(string)")]
    [TestCase("return Environment.GetEnvironmentVariables();", "System.Environment.GetEnvironmentVariables()")]
    [TestCase("return Path.GetTempPath();", "System.IO.Path.GetTempPath()")]
    [TestCase("return AppContext.BaseDirectory;", "System.AppContext.BaseDirectory")]
    [TestCase("return torch.from_file(\"/work/assignments/hw3-attention/tests/golden/x.safetensors\");", "TorchSharp.torch.from_file(string, bool?, long?, TorchSharp.torch.ScalarType?, TorchSharp.torch.Device?, bool)")]
    [TestCase("return torch.load(\"/tmp/x.pt\");", "TorchSharp.torch.load(string)")]
    [TestCase("torch.save(x, \"/tmp/x.pt\"); return null;", "TorchSharp.torch.save(TorchSharp.torch.Tensor, string)")]
    [TestCase("x.save(\"/tmp/x.pt\"); return null;", "TorchSharp.torch.Tensor.save(string)")]
    [TestCase("return nn.Linear(2, 2).load(\"/tmp/m.dat\");", "TorchSharp.torch.nn.Module.load(string, bool, System.Collections.Generic.IList<string>?, System.Collections.Generic.Dictionary<string, bool>?)")]
    [TestCase("return torch.jit.load(\"/tmp/m.pt\");", "TorchSharp.torch.jit.load(string, TorchSharp.DeviceType, long)")]
    [TestCase("return torch.utils.tensorboard.SummaryWriter(\"/tmp/runs\");", "TorchSharp.torch.utils.tensorboard.SummaryWriter(string, string, bool)")]
    // Processes, the network, threads, the end of the process.
    [TestCase("return System.Diagnostics.Process.Start(\"sh\", \"-c 'sleep 300 &'\");", "System.Diagnostics.Process.Start(string, string)")]
    [TestCase("return new System.Net.Http.HttpClient().GetStringAsync(\"http://example.org\");", "System.Net.Http.HttpClient")]
    [TestCase("return new System.Net.Sockets.TcpClient(\"127.0.0.1\", 80);", "System.Net.Sockets.TcpClient")]
    [TestCase("return new System.Threading.Thread(() => { });", "System.Threading.Thread")]
    [TestCase("return Task.Run(() => 1);", "System.Threading.Tasks.Task.Run<int>(System.Func<int>)")]
    [TestCase("System.Threading.Tasks.Parallel.For(0, 2, i => { }); return null;", "System.Threading.Tasks.Parallel.For(int, int, System.Action<int>)")]
    [TestCase("return new System.Threading.Timer(_ => { });", "System.Threading.Timer")]
    [TestCase("Environment.Exit(0); return null;", "System.Environment.Exit(int)")]
    [TestCase("Environment.FailFast(\"bye\"); return null;", "System.Environment.FailFast(string?)")]
    [TestCase("GC.Collect(); return null;", "System.GC.Collect()")]
    // Reflection, run-time code, dynamic.
    [TestCase("return o.GetType();", "object.GetType()")]
    [TestCase("return typeof(Student);", "System.Type")]
    [TestCase("return Type.GetType(\"Course.Worker.ProtocolWriter, Course.Worker\");", "System.Type.GetType(string)")]
    [TestCase("return Activator.CreateInstance(o.GetType());", "System.Activator.CreateInstance(System.Type)")]
    [TestCase("return Delegate.CreateDelegate(typeof(Action), o, \"Run\");", "System.Delegate.CreateDelegate(System.Type, object, string)")]
    [TestCase("return f.Method;", "System.Delegate.Method")]
    [TestCase("return f.DynamicInvoke(1);", "System.Delegate.DynamicInvoke(params object?[]?)")]
    [TestCase("System.Linq.Expressions.Expression<Func<int>> e = () => 1; return e.Compile();", "System.Linq.Expressions.Expression<System.Func<int>>")]
    [TestCase("return xs.AsQueryable().Where(x => x > 1);", "System.Linq.Queryable.AsQueryable<int>(System.Collections.Generic.IEnumerable<int>)")]
    [TestCase("dynamic d = o; return d.Secret;", "dynamic")]
    [TestCase("return System.Reflection.Assembly.Load(\"Course.Worker\");", "System.Reflection.Assembly.Load(string)")]
    [TestCase("return System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(o.GetType());", "System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(System.Type)")]
    [TestCase("return AppDomain.CurrentDomain.GetAssemblies();", "System.AppDomain.CurrentDomain")]
    // Native code and memory.
    [TestCase("return x.Handle;", "TorchSharp.torch.Tensor.Handle")]
    [TestCase("return torch.Tensor.UnsafeCreateTensor(IntPtr.Zero);", "TorchSharp.torch.Tensor.UnsafeCreateTensor(nint)")]
    [TestCase("return torch.frombuffer(new byte[16], ScalarType.Int64, 16);", "TorchSharp.torch.frombuffer(System.Array, TorchSharp.torch.ScalarType, long, long, bool)")]
    [TestCase("return System.Runtime.InteropServices.Marshal.ReadByte(IntPtr.Zero);", "System.Runtime.InteropServices.Marshal.ReadByte(nint)")]
    [TestCase("return System.Runtime.InteropServices.NativeLibrary.Load(\"libc.so.6\");", "System.Runtime.InteropServices.NativeLibrary.Load(string)")]
    [TestCase("return System.Runtime.CompilerServices.Unsafe.As<string>(o);", "System.Runtime.CompilerServices.Unsafe.As<string>(object?)")]
    [TestCase("return System.Runtime.InteropServices.MemoryMarshal.AsBytes(xs.AsSpan()).Length;", "System.Runtime.InteropServices.MemoryMarshal.AsBytes<int>(System.Span<int>)")]
    // Unchecked memory in a namespace that is otherwise allowed: refused by the "Unsafe" in its name, whatever allows System.Numerics.
    [TestCase("var a = new long[1]; System.Numerics.Vector.StoreUnsafe(new System.Numerics.Vector<long>(-1), ref a[0]); return a;", "System.Numerics.Vector.StoreUnsafe<long>(System.Numerics.Vector<long>, ref long)")]
    [TestCase("var a = new long[1]; return System.Numerics.Vector.LoadUnsafe(ref a[0], 64);", "System.Numerics.Vector.LoadUnsafe<long>(ref readonly long, nuint)")]
    [TestCase("var a = new float[2]; return System.Numerics.Vector4.LoadUnsafe(ref a[0]);", "System.Numerics.Vector4.LoadUnsafe(ref readonly float)")]
    [TestCase("return System.Numerics.Vector.CreateScalarUnsafe(1.0);", "System.Numerics.Vector.CreateScalarUnsafe<double>(double)")]
    // The console's raw streams (the protocol channel) and stdin.
    [TestCase("return Console.OpenStandardOutput();", "System.Console.OpenStandardOutput()")]
    [TestCase("Console.SetOut(TextWriter.Null); return null;", "System.Console.SetOut(System.IO.TextWriter)")]
    [TestCase("return Console.ReadLine();", "System.Console.ReadLine()")]
    [TestCase("Console.Out.WriteLine(\"@@course-result\"); return null;", "System.Console.Out")]
    // The tests' tensors: the dispose scope TorchScope opens around a test holds its inputs, expected values and goldens.
    [TestCase("return torch.CurrentDisposeScope.DisposablesView.OfType<Tensor>().Last();", "TorchSharp.torch.CurrentDisposeScope")]
    [TestCase("using var mine = torch.NewDisposeScope(); return mine.DisposablesView;", "TorchSharp.DisposeScope.DisposablesView")]
    [TestCase("return DisposeScopeManager.Statistics.ThreadTotalLiveCount;", "TorchSharp.DisposeScopeManager.Statistics")]
    // The defaults the tests make their tensors with, and whose dtype picks a comparison's tolerance.
    [TestCase("torch.set_default_dtype(ScalarType.Float16); return null;", "TorchSharp.torch.set_default_dtype(TorchSharp.torch.ScalarType)")]
    // TorchSharp's module hooks, which nothing lists: a red team (stop 59) left one on a test's model, acting only with gradients on.
    [TestCase("var m = torch.nn.Linear(2, 2); m.register_forward_hook((_, _, y) => y * 3); return null;", "TorchSharp.torch.nn.HookableModule<System.Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, System.Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>>.register_forward_hook(System.Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)")]
    [TestCase("var m = torch.nn.Linear(2, 2); m.register_forward_pre_hook((_, x) => x); return null;", "TorchSharp.torch.nn.HookableModule<System.Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, System.Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>>.register_forward_pre_hook(System.Func<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)")]
    // The culture the tests' own code formats and parses numbers with: a decimal comma would change what "0.5" reads as.
    [TestCase("var c = (System.Globalization.CultureInfo)System.Globalization.CultureInfo.InvariantCulture.Clone(); c.NumberFormat.NumberDecimalSeparator = \",\"; System.Globalization.CultureInfo.CurrentCulture = c; return null;", "System.Globalization.CultureInfo.CurrentCulture")]
    [TestCase("System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture; return null;", "System.Globalization.CultureInfo.DefaultThreadCurrentCulture")]
    [TestCase("System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.InvariantCulture; return null;", "System.Globalization.CultureInfo.CurrentUICulture")]
    [TestCase("System.Globalization.CultureInfo.DefaultThreadCurrentUICulture = null; return null;", "System.Globalization.CultureInfo.DefaultThreadCurrentUICulture")]
    [TestCase("return System.Globalization.NumberFormatInfo.CurrentInfo.NumberDecimalSeparator;", "System.Globalization.NumberFormatInfo.CurrentInfo")]
    [TestCase("torch.set_default_device(torch.META); return null;", "TorchSharp.torch.set_default_device(TorchSharp.torch.Device)")]
    [TestCase("torch.set_default_device(\"meta\"); return null;", "TorchSharp.torch.set_default_device(string)")]
    [TestCase("torch.set_default_tensor_type(x); return null;", "TorchSharp.torch.set_default_tensor_type(TorchSharp.torch.Tensor)")]
    // Windows onto a tensor's native memory (a red team, stop 54): an accessor kept past a swap of its view's storage read and
    // wrote the heap past the old storage. Only t.data<T>().ToArray() (or ToNDArray()) copies the values before other code runs.
    [TestCase("var view = x.view(x.shape); var acc = view.data<float>(); view.set_(torch.zeros(1 << 16)); var b = new float[1 << 16]; acc.CopyTo(b); return b;", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("var view = x.view(x.shape); var acc = view.data<float>(); view.zeros(new long[] { 1 << 16 }); acc.CopyFrom(new float[1 << 16]); return null;", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("foreach (var v in x.data<float>()) Console.WriteLine(v); return null;", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("return x.data<float>()[Touch(x)];", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("return x.data<float>().Sum();", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("return Keep(x.data<float>());", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("TorchSharp.Utils.TensorAccessor<float>? acc = null; return acc;", "TorchSharp.Utils.TensorAccessor<float>")]
    [TestCase("return (x.data<float>()).ToArray();", "TorchSharp.Utils.TensorAccessor<float>")]
    // No expression need have the accessor's type for code to hold one: a method group made a delegate, and a generic
    // that sees it only as its type parameter.
    [TestCase("return Later(x.data<float>, x);", "System.Func<TorchSharp.Utils.TensorAccessor<float>>")]
    [TestCase("var make = x.data<float>; return Later(make, x);", "System.Func<TorchSharp.Utils.TensorAccessor<float>>")]
    [TestCase("return x.bytes.Length;", "TorchSharp.torch.Tensor.bytes")]
    // What the same red team tried and found refused, kept so that a widening of the list shows: the clock (a test's
    // inputs arrive at different times in hidden and public tests), buffers shared across calls, objects watched for collection.
    [TestCase("return DateTime.Now.Ticks;", "System.DateTime.Now")]
    [TestCase("var pool = System.Buffers.ArrayPool<float>.Shared.Rent(4); return pool;", "System.Buffers.ArrayPool<float>")]
    [TestCase("return new WeakReference(x);", "System.WeakReference")]
    [TestCase("var seen = new System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, object>(); seen.Add(x, o); return seen;", "System.Runtime.CompilerServices.ConditionalWeakTable<TorchSharp.torch.Tensor, object>")]
    [TestCase("return x.storage<float>();", "TorchSharp.torch.Tensor.storage<float>()")]
    // Process-wide stores and settings, state between calls (red team, stop 55: a test's planted directions carried bit by bit
    // through the intern pool from one homework call to another).
    [TestCase("return string.Intern(\"rt4-0-1\");", "string.Intern(string)")]
    [TestCase("return string.IsInterned(\"rt4-0-1\") is not null;", "string.IsInterned(string)")]
    [TestCase("System.Text.RegularExpressions.Regex.CacheSize = 7; return null;", "System.Text.RegularExpressions.Regex.CacheSize")]
    [TestCase("return torch.manual_seed(7);", "TorchSharp.torch.manual_seed(long)")]
    [TestCase("return torch.random.manual_seed(7);", "TorchSharp.torch.random.manual_seed(long)")]
    [TestCase("return torch.random.get_rng_state();", "TorchSharp.torch.random.get_rng_state()")]
    [TestCase("torch.random.set_rng_state(x); return null;", "TorchSharp.torch.random.set_rng_state(TorchSharp.torch.Tensor)")]
    [TestCase("torch.set_num_threads(3); return null;", "TorchSharp.torch.set_num_threads(int)")]
    [TestCase("torch.set_printoptions(precision: 3); return null;", "TorchSharp.torch.set_printoptions(")]
    [TestCase("torch.autograd.set_detect_anomaly(true); return null;", "TorchSharp.torch.autograd.set_detect_anomaly(bool")]
    [TestCase("return torch.cuda.is_available();", "TorchSharp.torch.cuda")]
    [TestCase("using var g = new torch.Generator(1); g.manual_seed(7); return null;", "TorchSharp.torch.Generator.manual_seed(long)")]
    [TestCase("using var g = new torch.Generator(1); g.set_state(x); return null;", "TorchSharp.torch.Generator.set_state(TorchSharp.torch.Tensor)")]
    // TorchSharp keeps its dtype names, index constants and constraints in static fields anyone may set.
    [TestCase("torch.float32 = ScalarType.Float64; return null;", "setting TorchSharp.torch.float32")]
    [TestCase("TensorIndex.Colon = TensorIndex.Single(0); return null;", "setting TorchSharp.torch.TensorIndex.Colon")]
    [TestCase("(torch.float32, torch.float64) = (ScalarType.Float64, ScalarType.Float32); return null;", "setting TorchSharp.torch.float32")]
    [TestCase("Swap(ref torch.float32); return null;", "setting TorchSharp.torch.float32")]
    [TestCase("ref var dtype = ref torch.float32; dtype = ScalarType.Float64; return null;", "setting TorchSharp.torch.float32")]
    [TestCase("torch.TensorStringStyle = TorchSharp.TensorStringStyle.Numpy; return null;", "TorchSharp.torch.TensorStringStyle")]
    [TestCase("torch.set_rng_state(x); return null;", "TorchSharp.torch.set_rng_state(TorchSharp.torch.Tensor)")]
    // Implicit calls: the compiler's own calls for lock and await, and a type that only appears as a conversion target.
    [TestCase("lock (o) { } return null;", "lock")]
    [TestCase("return System.Threading.Tasks.Task.Delay(1).ContinueWith(_ => 1);", "System.Threading.Tasks.Task.Delay(int)")]
    public void Given_a_way_out_of_the_sandbox_When_analyzed_Then_it_is_refused_by_symbol(string body, string api)
    {
        var (compiled, analysis) = Check(body, """
            static long Touch(Tensor t) { t.set_(torch.zeros(1 << 16)); return 0; }
            static T Keep<T>(T value) => value;
            static void Swap(ref ScalarType dtype) => dtype = ScalarType.Float64;
            static float Later<T>(Func<T> make, Tensor t) where T : IEnumerable<float> { var values = make(); Touch(t); return values.Sum(); }
            """);

        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        Assert.That(analysis!.Violations.Select(v => v.Api), Has.Some.StartsWith(api), () => Violations(analysis));
        Assert.That(analysis.Violations.Select(v => v.Kind), Has.All.EqualTo(FindingKind.SandboxViolation));
    }

    [TestCase("async System.Threading.Tasks.Task<int> Later() { await System.Threading.Tasks.Task.Yield(); return 1; }", "System.Threading.Tasks.Task<int>")]
    [TestCase("[System.Runtime.CompilerServices.ModuleInitializer] internal static void OnLoad() { }", "System.Runtime.CompilerServices.ModuleInitializerAttribute")]
    [TestCase("[System.Runtime.InteropServices.DllImport(\"libc\")] static extern int getpid();", "System.Runtime.InteropServices.DllImportAttribute")]
    [TestCase("~Student() { }  static readonly System.IO.FileInfo Target = new(\"/tmp/x\");", "System.IO.FileInfo")]
    [TestCase("[ThreadStatic] static int perThread;", "System.ThreadStaticAttribute")]
    // A finalizer runs on the runtime's finalizer thread, beside the tests, when a collection finds its object.
    [TestCase("~Student() { while (true) { } }", "a finalizer")]
    [TestCase("class Sneaky : System.IO.Stream { public override bool CanRead => true; public override bool CanSeek => true; public override bool CanWrite => true; public override long Length => 0; public override long Position { get; set; } public override void Flush() { } public override int Read(byte[] b, int o, int c) => 0; public override long Seek(long o, SeekOrigin s) => 0; public override void SetLength(long v) { } public override void Write(byte[] b, int o, int c) { } }", "System.IO.Stream")]
    public void Given_a_declaration_that_reaches_out_When_analyzed_Then_it_is_refused(string members, string api)
    {
        var (compiled, analysis) = Check("return null;", members);

        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        Assert.That(analysis!.Violations.Select(v => v.Api), Has.Some.StartsWith(api), () => Violations(analysis));
    }

    [Test]
    public void Given_a_type_nested_deeper_than_the_check_reads_When_analyzed_Then_it_is_refused_not_assumed_allowed()
    {
        // List<List<...<int>>>, 17 deep, made by inference: before, whatever sat below 16 levels was taken as allowed.
        var nested = string.Concat(Enumerable.Repeat("L(", 17)) + "0" + new string(')', 17);

        var (compiled, analysis) = Check($"return {nested};", "static List<T> L<T>(T t) => [t];");

        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        Assert.That(analysis!.Violations.Select(v => v.Message), Has.Some.EndsWith("types nested more than 16 deep are not allowed in homework code: the grader does not read that far."),
            () => Violations(analysis));
    }

    [TestCase("unsafe { int* p = null; return (long)p; }")]
    [TestCase("unsafe { delegate*<int> p = null; return null; }")]
    [TestCase("var r = __makeref(o); return __reftype(r);")]
    public void Given_unsafe_code_When_analyzed_Then_it_is_refused(string body)
    {
        var (compiled, analysis) = Check(body);

        if (!compiled.Homework.Success)
        {
            Assert.That(compiled.Homework.Errors.Select(e => e.Id), Has.Some.EqualTo("CS0227"), "unsafe code does not even compile: the grader never allows it");
            return;
        }
        Assert.That(analysis!.Violations.Select(v => v.Kind), Has.Some.EqualTo(FindingKind.UnsafeCode), () => Violations(analysis));
    }

    [TestCase("throw new NUnit.Framework.SuccessException(\"forged\");", "NUnit")]
    [TestCase("NUnit.Framework.Assert.Pass(); return null;", "NUnit")]
    [TestCase("return Course.Testing.Golden.Open(\"MultiHeadAttention\");", "Course")]
    [TestCase("return new Course.Worker.ProtocolWriter(null!, \"\");", "Course")]
    public void Given_the_graders_own_types_When_compiled_Then_homework_code_cannot_even_name_them(string body, string missing)
    {
        var (compiled, _) = Check(body);

        Assert.That(compiled.Homework.Success, Is.False);
        Assert.That(compiled.Homework.Errors.Select(e => e.Message), Has.Some.Contains($"'{missing}'"));
    }

    [Test]
    public void Given_what_a_homework_needs_When_analyzed_Then_nothing_is_refused()
    {
        var (compiled, analysis) = Check("""
                var sb = new StringBuilder();
                foreach (var (value, index) in xs.Select((v, i) => (v, i))) sb.Append($"{index}:{value:F2};");
                var query = from v in xs where v > 1 orderby v descending select v * 2;
                var counts = new Dictionary<string, int> { ["a"] = 1 };
                counts.TryGetValue("a", out var a);
                var slice = xs[1..^1];
                Span<int> span = stackalloc int[4];
                span.Fill(a);
                var rounded = Math.Round(list.Sum() / Math.Max(1, list.Count), 3, MidpointRounding.AwayFromZero);
                var random = new Random(42).NextDouble();
                var text = string.Join(",", query.Take(3)) + rounded.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Console.WriteLine(text);
                using var scope = torch.NewDisposeScope();
                using var _ = torch.no_grad();
                var scores = torch.matmul(x, x.transpose(-2, -1)) / Math.Sqrt(x.shape[^1]);
                var masked = scores.masked_fill(torch.ones(3, 3).triu(1).to(ScalarType.Bool), double.NegativeInfinity);
                var pattern = nn.functional.softmax(masked, -1);
                var row = pattern[0, TensorIndex.Slice(0, 2)];
                var linear = nn.Linear(4, 4);
                var optimizer = torch.optim.AdamW(linear.parameters(), lr: 1e-3, weight_decay: 0.1);
                var values = pattern.data<float>().ToArray();
                var item = row.sum().item<float>();
                var generator = new torch.Generator(7);
                var sample = torch.multinomial(pattern[0], 1, generator: generator);
                if (double.IsNaN(item)) throw new InvalidOperationException("NaN");
                var eigenvalue = new System.Numerics.Complex(item, 1.0);
                var dot = System.Numerics.Vector.Dot(new System.Numerics.Vector<double>(2.0), new System.Numerics.Vector<double>(values.Select(v => (double)v).Concat(new double[64]).ToArray()));
                return (values.Length, sample, optimizer, f(random > 0.5 ? 1 : 0), Fib().Take(5).ToList(), new Point(1, 2) with { Y = 3 }, eigenvalue.Magnitude + dot);
            """, """
                static IEnumerable<long> Fib() { long a = 0, b = 1; while (true) { yield return a; (a, b) = (b, a + b); } }
                public record Point(int X, int Y);
                public static T Twice<T>(T x) where T : System.Numerics.INumber<T> => x + x;
                public sealed class Block : nn.Module<Tensor, Tensor>
                {
                    readonly TorchSharp.Modules.Linear proj = nn.Linear(4, 4);
                    public Block() : base(nameof(Block)) => RegisterComponents();
                    public override Tensor forward(Tensor input) => nn.functional.gelu(proj.call(input));
                }
            """);

        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        Assert.That(analysis!.Violations, Is.Empty, () => Violations(analysis));
    }

    [Test]
    public void Given_a_manifest_that_widens_the_list_with_a_reason_When_analyzed_Then_that_api_is_allowed_and_no_other()
    {
        var extra = new[] { new AllowedApi("T:System.Diagnostics.Stopwatch", "the handout asks students to time their training loop") };

        var (_, widened) = Check("return System.Diagnostics.Stopwatch.StartNew().Elapsed;", extra: extra);
        var (_, other) = Check("return System.Diagnostics.Process.GetCurrentProcess();", extra: extra);

        Assert.That(widened!.Violations, Is.Empty, () => Violations(widened));
        Assert.That(other!.Violations, Is.Not.Empty);
    }

    [Test]
    public void Given_a_manifest_that_allows_a_denied_api_When_analyzed_Then_the_denial_still_holds()
    {
        var (_, analysis) = Check("torch.save(x, \"/tmp/x.pt\"); return null;", extra: [new AllowedApi("M:TorchSharp.torch.save", "checkpoints")]);

        Assert.That(analysis!.Violations.Single().Message, Does.Contain("may not touch the file system"));
    }

    /// <summary>
    /// A tripwire for TorchSharp upgrades: every public TorchSharp member the allow-list lets through that takes a string
    /// parameter named like a path, a file or a URL. The list must stay empty; a new one needs a denial in SandboxPolicy.
    /// </summary>
    [Test]
    public void Given_every_public_TorchSharp_member_When_checked_Then_none_the_list_allows_takes_a_path()
    {
        var (torch, homework) = TorchSharpAndHomework();
        var allow = SandboxPolicy.For([]);
        string[] pathLike = ["path", "file", "location", "dir", "folder", "url", "root", "dst"];

        var allowed = PublicMembers(torch.GlobalNamespace)
            .OfType<Microsoft.CodeAnalysis.IMethodSymbol>()
            .Where(m => m.Parameters.Any(p => p.Type.SpecialType == Microsoft.CodeAnalysis.SpecialType.System_String
                                              && pathLike.Any(word => p.Name.Contains(word, StringComparison.OrdinalIgnoreCase))))
            .Where(m => allow.Verdict(m, homework) is null)
            .Select(m => m.ToDisplayString())
            .ToList();

        Assert.That(allowed, Is.Empty);
    }

    /// <summary>
    /// A tripwire for TorchSharp upgrades: a test's tensors (its inputs, its expected values, the goldens it loaded) live in
    /// the dispose scope TorchScope opens around it, so no member the allow-list lets through may hand out a scope that
    /// exists already or the disposables one holds. What may: a fresh scope, and Attach, which returns what it is given.
    /// </summary>
    [Test]
    public void Given_every_public_TorchSharp_member_When_checked_Then_none_the_list_allows_hands_out_a_dispose_scope_or_what_it_holds()
    {
        var (torch, homework) = TorchSharpAndHomework();
        var allow = SandboxPolicy.For([]);
        static bool Scoped(Microsoft.CodeAnalysis.ITypeSymbol type) =>
            type.Name is "DisposeScope" or "DisposeScopeManager" or "ThreadDisposeScopeStatistics"
            || type is Microsoft.CodeAnalysis.INamedTypeSymbol { TypeArguments: [{ Name: "IDisposable" }] };

        var handsOut = PublicMembers(torch.GlobalNamespace)
            .Where(m => Result(m) is { } type && Scoped(type))
            .Where(m => allow.Verdict(m, homework) is null)
            .Select(m => m.ToDisplayString())
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.That(handsOut, Is.EqualTo(new[]
        {
            "TorchSharp.DisposeScope.Attach(System.Collections.Generic.IEnumerable<System.IDisposable>)",
            "TorchSharp.torch.NewDisposeScope()",
        }));
    }

    /// <summary>
    /// A tripwire for .NET and TorchSharp upgrades: safe code can reach memory only through what it may index, and an API
    /// that takes a reference (<c>ref</c>, <c>ref readonly</c>, <c>in</c>) to a value it is not typed to own, such as an
    /// element of an array, may read or write past it unchecked (<c>Vector.StoreUnsafe(v, ref a[0])</c> wrote over the next
    /// array's length). Every such member the allow-list lets through, in every library homework code compiles against, is
    /// listed here after a reading of what it does with the reference; a new one fails until it is read and denied or added.
    /// </summary>
    [Test]
    public void Given_every_public_library_member_When_checked_Then_each_the_list_allows_that_takes_a_reference_is_one_read_and_found_bounded()
    {
        var compilation = Check("return null;").Compiled.Homework.Compilation;
        var allow = SandboxPolicy.For([]);
        static bool ElementLike(Microsoft.CodeAnalysis.ITypeSymbol type) =>
            type is Microsoft.CodeAnalysis.ITypeParameterSymbol || type.IsUnmanagedType;

        var takingReferences = compilation.References.Select(compilation.GetAssemblyOrModuleSymbol).OfType<Microsoft.CodeAnalysis.IAssemblySymbol>()
            .SelectMany(assembly => PublicMembers(assembly.GlobalNamespace))
            .OfType<Microsoft.CodeAnalysis.IMethodSymbol>()
            .Where(m => m.Parameters.Any(p => p.RefKind is Microsoft.CodeAnalysis.RefKind.Ref or Microsoft.CodeAnalysis.RefKind.In
                                              or Microsoft.CodeAnalysis.RefKind.RefReadOnlyParameter && ElementLike(p.Type)))
            .Where(m => allow.Verdict(m, compilation.Assembly) is null)
            .Select(m => m.OriginalDefinition.ToDisplayString())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        TestContext.Out.WriteLine(string.Join("\n", takingReferences));
        Assert.That(takingReferences, Is.EqualTo(new[]
        {
            "System.ReadOnlySpan<T>.ReadOnlySpan(ref readonly T)", // a span of that one value: its length is 1, its indexer checks it
            "System.Span<T>.Span(ref T)",
        }));
    }

    /// <summary>
    /// A tripwire for TorchSharp upgrades: a TorchSharp type with a field of its own that holds a native address reads memory
    /// that nothing on the managed side bounds when the address outlives what it pointed to. A tensor's accessor read its
    /// pointer once and went on reading after the storage behind it was swapped (a red team, stop 54). Every such type the
    /// allow-list lets homework code name is listed here after a reading of what it does with the address; a new one fails
    /// until it is read and denied or added.
    /// </summary>
    [Test]
    public void Given_every_TorchSharp_type_that_holds_a_native_address_When_checked_Then_each_the_list_allows_is_one_read_and_found_bounded()
    {
        var compilation = Check("return null;").Compiled.Homework.Compilation;
        // Private fields too: what a type keeps, not what it shows.
        var everything = compilation.WithOptions(compilation.Options.WithMetadataImportOptions(Microsoft.CodeAnalysis.MetadataImportOptions.All));
        var torch = everything.References.Select(everything.GetAssemblyOrModuleSymbol).OfType<Microsoft.CodeAnalysis.IAssemblySymbol>().Single(a => a.Name == "TorchSharp");
        var allow = SandboxPolicy.For([]);
        static bool Address(Microsoft.CodeAnalysis.ITypeSymbol type) =>
            type.SpecialType is Microsoft.CodeAnalysis.SpecialType.System_IntPtr or Microsoft.CodeAnalysis.SpecialType.System_UIntPtr
            || type is Microsoft.CodeAnalysis.IPointerTypeSymbol or Microsoft.CodeAnalysis.IFunctionPointerTypeSymbol;

        var holding = PublicMembers(torch.GlobalNamespace).OfType<Microsoft.CodeAnalysis.INamedTypeSymbol>()
            .Where(t => t.GetMembers().OfType<Microsoft.CodeAnalysis.IFieldSymbol>().Any(f => !f.IsStatic && Address(f.Type)))
            .Where(t => allow.Verdict(t, everything.Assembly) is null)
            .Select(t => t.ToDisplayString())
            .Order(StringComparer.Ordinal)
            .ToList();

        TestContext.Out.WriteLine(string.Join("\n", holding));
        Assert.That(holding, Is.EqualTo(new[]
        {
            "TorchSharp.Scalar", // a libtorch handle: every member hands it to libtorch, which owns what it points to
            "TorchSharp.Utils.TensorAccessor<T>", // held only as t.data<T>().ToArray(), which copies before other code runs (TensorAccessors)
            "TorchSharp.torch.Generator", // a libtorch handle, as Scalar's
            "TorchSharp.torch.Tensor", // a libtorch handle, as Scalar's; Tensor.Handle, which hands it out, is refused: IntPtr is not allowed
        }));
    }

    /// <summary>
    /// A tripwire for TorchSharp upgrades: a span or memory that a TorchSharp member hands out may lie over native memory (a
    /// tensor's bytes did), where its length was fixed when it was made. Every such member the allow-list lets through is
    /// listed here after a reading of what it spans; a new one fails until it is read and denied or added.
    /// </summary>
    [Test]
    public void Given_every_public_TorchSharp_member_When_checked_Then_each_the_list_allows_that_hands_out_a_span_is_one_read_and_found_managed()
    {
        var (torch, homework) = TorchSharpAndHomework();
        var allow = SandboxPolicy.For([]);

        var spans = PublicMembers(torch.GlobalNamespace)
            .Where(m => Result(m) is { Name: "Span" or "ReadOnlySpan" or "Memory" or "ReadOnlyMemory", ContainingNamespace.Name: "System" })
            .Where(m => allow.Verdict(m, homework) is null)
            .Select(m => m.ToDisplayString())
            .Order(StringComparer.Ordinal)
            .ToList();

        TestContext.Out.WriteLine(string.Join("\n", spans));
        Assert.That(spans, Is.EqualTo(new[]
        {
            "TorchSharp.Modules.Upsample.scale_factor", // over the module's own double[]
            "TorchSharp.Modules.Upsample.size", // over the module's own long[]
            "TorchSharp.TensorExtensionMethods.IntShape(TorchSharp.torch.Tensor)", // over a new int[] of the shape
        }));
    }

    /// <summary>
    /// A tripwire for TorchSharp upgrades: a static set_ method (or one named for a mode, see <see cref="SetsAMode"/>) sets something of the whole process, a store that one homework
    /// call can write and another read back, state between calls that homework code may not keep. (A static field or property
    /// is never written by homework code: StaticState refuses the write, whatever the allow-list says of the member.) Every
    /// such method the list lets through is listed here after a reading of what it sets; a new one fails until it is read and
    /// denied or added.
    /// </summary>
    [Test]
    public void Given_every_public_TorchSharp_member_When_checked_Then_each_the_list_allows_that_sets_process_state_is_one_read()
    {
        var (torch, homework) = TorchSharpAndHomework();
        var allow = SandboxPolicy.For([]);

        var setters = PublicMembers(torch.GlobalNamespace)
            .OfType<Microsoft.CodeAnalysis.IMethodSymbol>()
            .Where(m => m.IsStatic && m.MethodKind == Microsoft.CodeAnalysis.MethodKind.Ordinary && SetsAMode(m.Name))
            .Where(m => allow.Verdict(m, homework) is null)
            .Select(m => m.ToDisplayString())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

        TestContext.Out.WriteLine(string.Join("\n", setters));
        Assert.That(setters, Is.EqualTo(new[]
        {
            // Reads of settings homework code cannot write.
            "TorchSharp.torch.are_deterministic_algorithms_enabled()",
            // Grad mode, which no_grad() and enable_grad() set for a scope: TorchScope puts it back before every test.
            "TorchSharp.torch.enable_grad(bool)",
            "TorchSharp.torch.get_deterministic_debug_mode()",
            // Inference mode, which correct solutions use as they would no_grad() (hw6's and hw9's corpora): TorchScope puts it
            // back before every test too (a red team, stop 56, carried a bit from one test to the next in it).
            "TorchSharp.torch.inference_mode(bool)",
            "TorchSharp.torch.is_deterministic_algorithms_warn_only_enabled()",
            "TorchSharp.torch.is_inference_mode_enabled()",
            "TorchSharp.torch.no_grad()",
            "TorchSharp.torch.set_grad_enabled(bool)",
        }));
    }

    /// <summary>
    /// A tripwire that runs: every static property or field of TorchSharp that the list lets homework code read keeps its value
    /// through tensor work (tensors made, some left alive past their scope, a module, a backward pass, random draws). One
    /// that moves is a store: a call moves it, a later call reads it back, in a later test (a red team, stop 57, left N
    /// tensors alive and read N back from <c>Tensor.TotalCount</c>). Names cannot tell such a counter from a constant, so this
    /// reads each value; a new one fails here until it is denied.
    /// </summary>
    [Test]
    public async Task Given_every_static_TorchSharp_value_the_list_lets_homework_code_read_When_tensors_are_made_and_kept_Then_none_moves()
    {
        var (torch, homework) = TorchSharpAndHomework();
        var allow = SandboxPolicy.For([]);
        var values = PublicMembers(torch.GlobalNamespace)
            .Where(m => m.IsStatic && m is Microsoft.CodeAnalysis.IPropertySymbol { GetMethod: not null, Parameters.Length: 0 } or Microsoft.CodeAnalysis.IFieldSymbol { IsConst: false })
            .Where(m => m.ContainingType is { IsGenericType: false } && allow.Verdict(m, homework) is null)
            .Select(m => $"\"{MetadataName(m.ContainingType)}|{m.Name}|{(m is Microsoft.CodeAnalysis.IPropertySymbol ? 'P' : 'F')}\"")
            .Distinct()
            .ToList();
        Assert.That(values, Has.Count.GreaterThan(20), "static values found to read (dtypes, TensorIndex.Colon, ...)");

        // Read in the worker, where TorchSharp runs: the test code is trusted and may reflect.
        var run = await TinyHomework.RunAsync("namespace Tiny.Homework; public static class Nothing { }",
            StaticValuesTests.Replace("MEMBERS", string.Join(",\n", values), StringComparison.Ordinal), new RunLimits(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120), 2048));

        var result = run.Single("Moves");
        TestContext.Out.WriteLine(result.Output);
        Assert.That(result.Outcome, Is.EqualTo(TestOutcome.Passed), () => "static values that tensor work moves; deny each in SandboxPolicy (ProcessState):\n" + result.Message);
        Assert.That(result.Output, Does.Contain($"read {values.Count} of {values.Count}"), "every value was found and read");
    }

    /// <summary>A type's name as reflection finds it: Outer+Inner.</summary>
    static string MetadataName(Microsoft.CodeAnalysis.INamedTypeSymbol type) => type.ContainingType is { } outer
        ? MetadataName(outer) + "+" + type.MetadataName
        : (type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString() + ".") + type.MetadataName;

    /// <summary>Reads each static value, does tensor work, reads again; fails naming each that moved (MEMBERS: "Type|Name|P or F").</summary>
    const string StaticValuesTests = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Reflection;
        using Course.Testing;
        using NUnit.Framework;
        using TorchSharp;

        namespace Tiny.Homework.Tests;

        public class StaticValuesTests
        {
            [Test, Points(1)]
            public void Moves()
            {
                string[] members = [MEMBERS];
                var readers = new List<(string Name, Func<object?> Read)>();
                foreach (var member in members)
                {
                    var parts = member.Split('|');
                    var type = typeof(torch).Assembly.GetType(parts[0]);
                    var flags = BindingFlags.Public | BindingFlags.Static;
                    Func<object?>? read = parts[2] == "P"
                        ? type?.GetProperty(parts[1], flags) is { GetMethod: not null } property ? () => property.GetValue(null) : null
                        : type?.GetField(parts[1], flags) is { } field ? () => field.GetValue(null) : null;
                    if (read is not null) readers.Add((parts[0] + "." + parts[1], read));
                }
                TestContext.Out.WriteLine($"read {readers.Count} of {members.Length}");
                var before = readers.Select(r => Read(r.Read)).ToList();

                var kept = new List<torch.Tensor>();
                using (torch.NewDisposeScope())
                {
                    var layer = torch.nn.Linear(4, 3);
                    var x = torch.randn(5, 4, requires_grad: true);
                    layer.call(x).pow(2).sum().backward();
                    for (int i = 0; i < 100; i++) kept.Add(torch.zeros(1).DetachFromDisposeScope());
                    using (torch.no_grad()) _ = x.matmul(x.t()).softmax(-1);
                    layer.Dispose();
                }

                var moved = readers.Zip(before).Where(r => !Same(Read(r.First.Read), r.Second)).Select(r => r.First.Name).ToList();
                foreach (var tensor in kept) tensor.Dispose();
                Assert.That(moved, Is.EqualTo(new[]
                {
                    // A new handle on the default generator at each read; its state is the tests' seed again before every test (TorchScope).
                    "TorchSharp.torch+Generator.Default",
                }), string.Join("\n", moved));
            }

            /// <summary>A value as read, or the exception's type where reading it throws (a getter that needs a GPU, say).</summary>
            static object? Read(Func<object?> read)
            {
                try { return read(); }
                catch (TargetInvocationException e) { return e.InnerException?.GetType(); }
            }

            /// <summary>The same number, string, enum or struct; for any other object, the same object.</summary>
            static bool Same(object? now, object? before) =>
                now is null ? before is null
                : now.GetType().IsValueType || now is string || now is Type ? now.Equals(before) || now.ToString() == before?.ToString() // NaN is not Equal to itself
                : ReferenceEquals(now, before);
        }
        """;

    /// <summary>TorchSharp as a homework compilation references it, and that homework's own assembly.</summary>
    [Test]
    public void Given_every_public_TorchSharp_member_When_sized_Then_each_is_far_within_the_type_size_limit()
    {
        // TypeSize refuses what is built from more than 256 types; no TorchSharp signature may come near, or honest code that
        // calls it would be refused.
        var (torch, _) = TorchSharpAndHomework();
        var largest = PublicMembers(torch.GlobalNamespace).Where(m => m is not Microsoft.CodeAnalysis.INamedTypeSymbol)
            .Select(m => (Member: m.ToDisplayString(), Parts: Enumerable.Range(1, TypeSize.Max).Append(int.MaxValue).First(limit => limit == int.MaxValue || !TypeSize.Exceeds(m, limit))))
            .MaxBy(m => m.Parts);

        TestContext.Out.WriteLine($"largest: {largest.Member}, {largest.Parts} parts");
        Assert.That(largest.Parts, Is.LessThanOrEqualTo(TypeSize.Max / 4), largest.Member);
    }

    internal static (Microsoft.CodeAnalysis.IAssemblySymbol TorchSharp, Microsoft.CodeAnalysis.IAssemblySymbol Homework) TorchSharpAndHomework()
    {
        var compilation = Check("return null;").Compiled.Homework.Compilation;
        var torch = compilation.References.Select(compilation.GetAssemblyOrModuleSymbol).OfType<Microsoft.CodeAnalysis.IAssemblySymbol>()
            .Single(a => a.Name == "TorchSharp");
        return (torch, compilation.Assembly);
    }

    /// <summary>What a member hands out: a method's result, a property's or a field's value; null for anything else.</summary>
    static Microsoft.CodeAnalysis.ITypeSymbol? Result(Microsoft.CodeAnalysis.ISymbol member) => member switch
    {
        Microsoft.CodeAnalysis.IMethodSymbol { MethodKind: Microsoft.CodeAnalysis.MethodKind.Ordinary } method => method.ReturnType,
        Microsoft.CodeAnalysis.IPropertySymbol property => property.Type,
        Microsoft.CodeAnalysis.IFieldSymbol field => field.Type,
        _ => null,
    };

    /// <summary>
    /// A static method whose name says it sets a mode or a setting of the process or the thread: set_..., use_...,
    /// ..._mode, enable_..., or one named for inference, anomaly or determinism (the red team of stop 56 kept a bit between
    /// tests in inference mode, which torch.inference_mode(true) sets and nothing put back).
    /// </summary>
    static bool SetsAMode(string name) =>
        name.StartsWith("set_", StringComparison.Ordinal) || name.StartsWith("use_", StringComparison.Ordinal) || name.StartsWith("enable_", StringComparison.Ordinal)
        || name.EndsWith("_mode", StringComparison.Ordinal) || name.Contains("inference", StringComparison.Ordinal)
        || name.Contains("anomaly", StringComparison.Ordinal) || name.Contains("deterministic", StringComparison.Ordinal) || name == "no_grad";

    internal static IEnumerable<Microsoft.CodeAnalysis.ISymbol> PublicMembers(Microsoft.CodeAnalysis.INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers().Where(m => m.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public || m is Microsoft.CodeAnalysis.INamespaceSymbol))
        {
            yield return member;
            if (member is Microsoft.CodeAnalysis.INamespaceOrTypeSymbol nested)
                foreach (var inner in PublicMembers(nested)) yield return inner;
        }
    }
}
