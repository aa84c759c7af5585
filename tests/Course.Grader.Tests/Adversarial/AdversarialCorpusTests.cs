using Course.Grader.Manifest;
using Course.Grader.Score;
using Course.Grader.Tests.Pipeline;
using static Course.Grader.Tests.Adversarial.AttackSubmissions;

namespace Course.Grader.Tests.Adversarial;

/// <summary>
/// The adversarial corpus: one submission per way students beat today's graders, each graded end to end with its exact
/// outcome. Every grade finishes (no hang, no crash), scores zero, still lists every public and hidden test, says what was
/// refused and where in the student's own code, writes nothing outside its scratch folder and leaves no process behind.
/// The attacks that depend on a homework's own test code run against every homework; the others against hw3.
/// </summary>
[NonParallelizable]
public class AdversarialCorpusTests
{
    readonly string canary = Path.Combine(Path.GetTempPath(), $"course-canary-{Guid.NewGuid():N}");

    TempFolder scratch = null!;

    [SetUp]
    public void CreateScratch() => scratch = new TempFolder();

    [TearDown]
    public void Cleanup()
    {
        scratch.Dispose();
        try { File.Delete(canary); } catch (IOException) { }
    }

    /// <summary>Grades the attack and checks what every attack's grade must show; returns it for the attack's own checks.</summary>
    /// <param name="edit">Changes the student file the attack was appended to (in the folder) before it is graded.</param>
    async Task<(GradeReport Report, string File, string Folder)> Attack(string homework, string code, TimeSpan? compileTimeout = null,
        Action<string, string>? edit = null)
    {
        var folder = scratch[homework];
        var file = Write(homework, folder, code.Replace("CANARY", canary, StringComparison.Ordinal));
        edit?.Invoke(folder, file);

        var report = await GradeAsync(homework, folder, compileTimeout);

        Assert.That(report.Score, Is.Zero, report.Describe());
        Assert.That(report.Tests.Select(t => t.FullName).Order(StringComparer.Ordinal), Is.EqualTo(ListedTests(homework)), "every test is listed");
        Assert.That(report.Tests.Select(t => t.Passed), Has.All.False);
        Assert.That(report.Sandbox, Is.Empty, "nothing ran, so there is no sandbox to report");
        Assert.That(report.SandboxNote, Is.Null);
        Assert.That(File.Exists(canary), Is.False, "nothing written outside the scratch folder");
        Assert.That(ProcessesWith(canary), Is.Empty, "no process left behind");
        return (report, file, folder);
    }

    // --- Names the grader's or NUnit's own types: homework code compiles without them, so it cannot even say them. ---

    [TestCase("public static class Forged { public static void Pass() => throw new NUnit.Framework.SuccessException(\"100/100\"); }", "NUnit")]
    [TestCase("public static class Zeroed { public static void Points() => NUnit.Framework.TestContext.CurrentContext.Test.Properties.Set(\"Points\", 0); }", "NUnit")]
    [TestCase("public static class Replayed { public static object Golden() => Course.Testing.Golden.Open(\"AttentionHead\"); }", "Course")]
    [TestCase("public static class Forger { public static object Line() => new Course.Worker.ProtocolWriter(null!, \"\"); }", "Course")]
    public async Task Given_code_that_names_NUnit_or_the_grader_When_graded_Then_it_does_not_compile_and_nothing_runs(string code, string missing)
    {
        var (report, file, folder) = await Attack("hw3-attention", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("Your code did not compile, so no test could run").And.Contain($"'{missing}'").And.Match("error CS0(103|246)"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line)), Does.Contain((file, LineOf(folder, file, code.Split('(')[0]))));
    }

    // --- Names a file of its choosing with #line, so that the report prints its text where the place of an error goes. ---

    /// <summary>
    /// A red team (stop 59): before compiler messages took the file compiled, this put a bold "Regrade approved" line, a
    /// link and an image into the Markdown report's "In your code", which the check run and the feedback comment show.
    /// </summary>
    [Test]
    public async Task Given_a_line_directive_that_names_a_file_of_markup_When_graded_Then_the_error_names_the_real_file_and_the_markdown_shows_no_markup()
    {
        const string code = """
            public static class Placed
            {
            #line 7 "Bigram.cs` **Regrade approved: 100/100** [link](https://evil.example) ![score](https://evil.example/100.svg) `"
                public static int Wrong() => "not a number";
            #line default
            }
            """;

        var (report, file, folder) = await Attack("hw3-attention", code);
        var markdown = Course.Grader.Report.MarkdownReport.Write(new Course.Grader.Report.ReportView(report, RevealHidden: false));

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line)), Is.EqualTo(new[] { (file, LineOf(folder, file, "public static int Wrong()")) }));
        Assert.That(markdown, Does.Not.Contain("Regrade").And.Not.Contain("evil.example"), "the directive's text reaches no report");
    }

    // --- Borrows the working transformer of a later homework: a given library exists only for the homeworks that reference it. ---

    [Test]
    public async Task Given_a_hw4_submission_that_borrows_the_hooked_model_of_the_later_homeworks_When_graded_Then_it_does_not_compile_and_nothing_runs()
    {
        const string code = "public static class Borrowed { public static object Working() => Course.Lens.TinyGpt.Load().Model; }";

        var (report, file, folder) = await Attack("hw4-transformer", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("Your code did not compile, so no test could run").And.Contain("'Course'").And.Match("error CS0(103|246)"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line)), Does.Contain((file, LineOf(folder, file, "public static class Borrowed"))));
    }

    // --- Takes the place of what the tests call: refused before anything runs, naming the student's declaration. ---

    static IEnumerable<TestCaseData> Shadowing() =>
        AttackSubmissions.Homeworks().SelectMany(id => new[]
        {
            new TestCaseData(id, "Assert", "public static class Assert { public static void That(object? actual, object? constraint = null, string? message = null) { } public static void That(bool condition, string? message = null) { } public static void Multiple(System.Action body) { } }")
                .SetName($"Given_a_homework_Assert_When_graded_Then_it_is_refused({id})"),
            new TestCaseData(id, "TensorAssert", "public static class TensorAssert { public static void Close(object? actual, object? expected, object? tolerance = null, string? name = null) { } public static void Close(object? actual, object? expected, string? name) { } public static void Equal(object? actual, object? expected, string? name = null) { } }")
                .SetName($"Given_a_homework_TensorAssert_When_graded_Then_it_is_refused({id})"),
        });

    [TestCaseSource(nameof(Shadowing))]
    public async Task Given_a_homework_type_that_shadows_a_test_helper_When_graded_Then_it_is_refused_naming_its_declaration(string homework, string type, string code)
    {
        var (report, file, folder) = await Attack(homework, code);
        var line = LineOf(folder, file, $"public static class {type} ");
        var ns = File.ReadLines(Path.Combine(folder, file)).First(l => l.StartsWith("namespace ", StringComparison.Ordinal))[10..].TrimEnd(';');

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Summary, Does.Contain($"The submission was refused, so no test ran: your code changes what the tests call: your {ns}.{type} (declared at {file}:{line}) takes the place of "));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line, a.Title)), Does.Contain((file, line, "changes what the tests call")));
    }

    // --- Takes the place of what the homework's given files call: their file-level usings lose to the homework's namespace. ---

    [Test]
    public async Task Given_a_homework_type_named_as_the_library_type_a_given_file_uses_When_graded_Then_it_is_refused_naming_the_given_file()
    {
        // hw9's given Sampler.cs makes a Course.Lens.KeyValueCache through `using Course.Lens;`; a type of this name in the
        // homework's namespace is found first, so the trusted sampler that every hidden measure of the policy runs would run
        // the student's constructor (where a hook could be added and removed again unseen).
        const string code = """
            public sealed class KeyValueCache : System.IDisposable
            {
                public KeyValueCache(long n_layers) => throw new System.InvalidOperationException("student code in the given sampler");
                public void Select(TorchSharp.torch.Tensor kept) { }
                public void Dispose() { }
                public static implicit operator Course.Lens.KeyValueCache(KeyValueCache cache) => new(1);
            }
            """;

        var (report, file, folder) = await Attack("hw9-alignment", code);
        var line = LineOf(folder, file, "public sealed class KeyValueCache ");

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Summary, Does.Contain($"The submission was refused, so no test ran: your code changes what the given code calls: your Hw9.Alignment.KeyValueCache (declared at {file}:{line}) takes the place of Course.Lens.KeyValueCache in the given Sampler.cs"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line, a.Title)), Does.Contain((file, line, "changes what the given code calls")));
    }

    // --- Takes the place of a given type the tests use: the tests' own namespace is searched before the homework's. ---

    [Test]
    public async Task Given_a_homework_type_in_the_tests_namespace_named_as_a_given_type_they_use_When_graded_Then_it_is_refused()
    {
        // hw9's hidden tests draw the samples they measure with the given Hw9.Alignment.Sampler. A Sampler in their own
        // namespace, Hw9.Alignment.HiddenTests, is found first, so the student's would draw them: 400 preferred sentences
        // for a policy that learned nothing, with no KL from the reference and full agreement.
        const string code = """
            }

            namespace Hw9.Alignment.HiddenTests
            {
                public static class Sampler
                {
                    public static System.Collections.Generic.IReadOnlyList<string> Complete(Course.Lens.HookedTransformer model, Course.Lens.CharVocabulary vocabulary,
                        string prompt, int count, TorchSharp.torch.Generator generator, int maxNewTokens = int.MaxValue) =>
                        [.. System.Linq.Enumerable.Repeat("birds sleep .", count)];
                }
            }
            """;

        var (report, file, folder) = await Attack("hw9-alignment", code,
            edit: (folder, file) => Replace(folder, file, "namespace Hw9.Alignment;", "namespace Hw9.Alignment\n{"));
        var line = LineOf(folder, file, "public static class Sampler");

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Summary, Does.Contain($"The submission was refused, so no test ran: your code changes what the tests call: your Hw9.Alignment.HiddenTests.Sampler (declared at {file}:{line}) takes the place of Hw9.Alignment.Sampler in the tests"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line, a.Title)), Does.Contain((file, line, "changes what the tests call")));
    }

    /// <summary>
    /// A red team (stop 62): W_Q as a property that gives the real parameter to its first read (the test's, which writes
    /// its own draw into it) and zeros to every later one (the read the test's expected attention was computed from), so
    /// that attention by hand became a formula a stub returns. A field the tests read stays that field.
    /// </summary>
    [Test]
    public async Task Given_a_weight_field_made_a_property_whose_later_reads_give_zeros_When_graded_Then_it_is_refused_before_anything_runs()
    {
        const string head = "AttentionHead.cs";
        var (report, _, folder) = await Attack("hw3-attention", "", edit: (folder, _) =>
        {
            Replace(folder, head, "public readonly Parameter W_Q; // [d_model, d_head]",
                "readonly Parameter w_Q; int reads; public Parameter W_Q => reads++ == 0 ? w_Q : nn.Parameter(zeros_like(w_Q)); // [d_model, d_head]");
            Replace(folder, head, "W_Q = nn.Parameter(", "w_Q = nn.Parameter(");
        });
        var line = LineOf(folder, head, "public Parameter W_Q =>");

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Summary, Does.Contain($"The submission was refused, so no test ran: your code changes what the tests call: keep " +
            $"Hw3.Attention.AttentionHead.W_Q the field the starter declares: your property (declared at {head}:{line}) would run your code on every read by the tests"));
    }

    // --- Reaches outside the sandbox: refused by the allow-list before any of it runs. ---

    [TestCase("reflection-nonce", """
        public static class Nonce
        {
            public static object? Steal() => System.AppDomain.CurrentDomain.GetAssemblies().First(a => a.GetName().Name == "Course.Worker")
                .GetType("Course.Worker.ProtocolWriter")!.GetField("nonce", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        }
        """, "System.AppDomain.CurrentDomain", "may not use reflection")]
    [TestCase("dynamic-nonce", """
        public static class Nonce
        {
            public static object? Steal(object writer) { dynamic d = writer; return d.nonce; }
        }
        """, "dynamic", "dynamic is not allowed in homework code")]
    [TestCase("create-delegate", """
        public static class Exit
        {
            public static void Now() => ((System.Action<int>)System.Delegate.CreateDelegate(typeof(System.Action<int>), typeof(System.Environment).GetMethod("Exit")!))(0);
        }
        """, "System.Delegate.CreateDelegate(System.Type, System.Reflection.MethodInfo)", "may not use reflection")]
    [TestCase("expression-tree", """
        public static class Exit
        {
            public static void Now() => ((System.Linq.Expressions.Expression<System.Action>)(() => System.Console.WriteLine())).Compile()();
        }
        """, "System.Linq.Expressions.Expression<System.Action>", "may not use reflection")]
    [TestCase("xml-resolver", """
        public static class Peek
        {
            public static object Hidden() => new System.Xml.XmlUrlResolver().GetEntity(new System.Uri("file:///etc/hostname"), null, null)!;
        }
        """, "System.Xml.XmlUrlResolver", "may not touch the file system")]
    [TestCase("torch-from-file", """
        public static class Peek
        {
            public static object Golden() => TorchSharp.torch.from_file("/tmp/hidden-golden.safetensors");
        }
        """, "TorchSharp.torch.from_file(", "may not touch the file system")]
    [TestCase("file-enumeration", """
        public static class Peek
        {
            public static object Hidden() => new System.IO.Enumeration.FileSystemEnumerable<string>("/", (ref System.IO.Enumeration.FileSystemEntry e) => e.ToFullPath());
        }
        """, "System.IO.Enumeration.FileSystemEnumerable<string>", "may not touch the file system")]
    [TestCase("token", """
        public static class Peek
        {
            public static string? Token() => System.Environment.GetEnvironmentVariable("GITHUB_TOKEN");
        }
        """, "System.Environment.GetEnvironmentVariable(string)", "may not read the environment")]
    [TestCase("detached-child", """
        public static class Spawn
        {
            public static object Child() => System.Diagnostics.Process.Start("sh", "-c 'setsid sleep 600 CANARY &'")!;
        }
        """, "System.Diagnostics.Process.Start(string, string)", "may not start processes")]
    [TestCase("write-hidden-tests", """
        public static class Plant
        {
            public static void Test() => System.IO.File.WriteAllText("CANARY", "class Planted { }");
        }
        """, "System.IO.File.WriteAllText(string, string?)", "may not touch the file system")]
    [TestCase("stop-the-grader", """
        public static class Stop
        {
            public static void Grader() => System.Diagnostics.Process.GetCurrentProcess().Kill();
        }
        """, "System.Diagnostics.Process.GetCurrentProcess()", "may not start processes")]
    [TestCase("hold-memory", """
        public static class Hold
        {
            public static object Pinned() => System.GC.AllocateUninitializedArray<byte>(1 << 30, pinned: true);
        }
        """, "System.GC.AllocateUninitializedArray<byte>(int, bool)", "Homework code may use core types")]
    [TestCase("vector-store-past-the-end", """
        public static class Overwrite
        {
            // A vector of 8 longs stored at a one-element array: past its end lie the next object's header and length.
            public static long[] Past() { var a = new long[1]; System.Numerics.Vector.StoreUnsafe(new System.Numerics.Vector<long>(long.MaxValue), ref a[0]); return a; }
        }
        """, "System.Numerics.Vector.StoreUnsafe<long>(System.Numerics.Vector<long>, ref long)", "without the runtime's bounds checks")]
    // An exception a hidden test caught, kept and read later, names the test that caught it and its line (red team, stop 52).
    [TestCase("caught-exception-stack-trace", """
        public static class Caller
        {
            public static string? Of(System.Exception caught) => caught.StackTrace;
        }
        """, "System.Exception.StackTrace", "read their Message, InnerException and ParamName, nothing else")]
    [TestCase("caught-exception-as-text", """
        public static class Caller
        {
            public static string Of(System.Exception caught) => $"{caught}";
        }
        """, "an exception as text in an interpolated string", "read their Message, InnerException and ParamName, nothing else")]
    // A tensor accessor keeps the data pointer it read when it was made, and bounds its indices by the tensor's size when it is
    // used: a view's storage swapped for a larger one left it a window onto the heap past the old storage, where the test's
    // expected tensor was found and returned, or overwritten (a red team, stop 54).
    [TestCase("accessor-past-a-swapped-storage", """
        public static class Heap
        {
            public static float[] Read(TorchSharp.torch.Tensor t)
            {
                var view = t.view(t.shape);
                var window = view.data<float>();
                view.set_(TorchSharp.torch.zeros(1 << 16));
                var memory = new float[1 << 16];
                window.CopyTo(memory);
                return memory;
            }
        }
        """, "TorchSharp.Utils.TensorAccessor<float>", "reads a tensor's values as a copy")]
    [TestCase("accessor-written-past-a-resized-view", """
        public static class Heap
        {
            public static void Write(TorchSharp.torch.Tensor t)
            {
                var view = t.view(t.shape);
                var window = view.data<float>();
                view.zeros(new long[] { 1 << 16 });
                window.CopyFrom(new float[1 << 16]);
            }
        }
        """, "TorchSharp.Utils.TensorAccessor<float>", "reads a tensor's values as a copy")]
    [TestCase("tensor-bytes", """
        public static class Heap
        {
            public static int Length(TorchSharp.torch.Tensor t) => t.bytes.Length;
        }
        """, "TorchSharp.torch.Tensor.bytes", "may not use native handles")]
    // A counter of the process's live tensors: a call that leaves N tensors alive is read back as N by a later test's call
    // (a red team, stop 57). AllowListTests reads every static value the list lets through and fails on one that tensor work moves.
    [TestCase("live-tensor-counter", """
        public static class Counter
        {
            public static long Plant(int n) { for (int i = 0; i < n; i++) TorchSharp.torch.zeros(1).DetachFromDisposeScope(); return n; }
            public static long Read() => TorchSharp.torch.Tensor.TotalCount;
        }
        """, "TorchSharp.torch.Tensor.TotalCount", "a store or setting of the whole process")]
    // Memory a tensor is made on without being written holds what a freed tensor left there: a red team (stop 57) planted a
    // stage's output in memory it freed at once, and a stub forward read it back as its own (7 points in hw4).
    // libtorch does not check a sparse tensor's indices against its size: adding one to a dense tensor wrote outside it, into a
    // tensor made before it in the worker (a red team, stop 57).
    [TestCase("sparse-write-out-of-bounds", """
        public static class Writer
        {
            public static void Write(TorchSharp.torch.Tensor dense) =>
                dense.add_(TorchSharp.torch.sparse_coo_tensor(TorchSharp.torch.tensor(new long[] { 1000 }).unsqueeze(0), TorchSharp.torch.ones(1), new long[] { 4 }));
        }
        """, "TorchSharp.torch.sparse_coo_tensor", "may not use sparse tensors")]
    // The CTC loss does not check its targets against the number of classes: with one step and one target, the loss is minus
    // the float at any offset from the log-probabilities (a red team, stop 57).
    [TestCase("ctc-read-out-of-bounds", """
        public static class Reader
        {
            public static TorchSharp.torch.Tensor Read(TorchSharp.torch.Tensor logProbs, long offset) =>
                TorchSharp.torch.nn.functional.ctc_loss(logProbs, TorchSharp.torch.tensor(new[] { offset }).unsqueeze(0),
                    TorchSharp.torch.tensor(new long[] { 1 }), TorchSharp.torch.tensor(new long[] { 1 }));
        }
        """, "TorchSharp.torch.nn.functional.ctc_loss", "may not use the CTC loss")]
    // linalg.ldl_solve does not check its pivots: a pivot past the output swaps a row with the float there, so one call read, and
    // another wrote, any float at any offset past the output (a red team, stop 58). Every op that takes a tensor of indices is
    // refused unless its indices are known to be checked (SandboxPolicy.ReviewedIndexOps); IndexOpsTests runs each reviewed one.
    [TestCase("ldl-solve-pivots-out-of-bounds", """
        public static class Swapper
        {
            public static TorchSharp.torch.Tensor Read(long offset) =>
                TorchSharp.torch.linalg.ldl_solve(TorchSharp.torch.tensor(new float[] { 1e30f, 0, 1, 1 }).reshape(2, 2),
                    TorchSharp.torch.tensor(new int[] { (int)offset + 1, 2 }), TorchSharp.torch.tensor(new float[] { 5, 0 }).reshape(2, 1));
        }
        """, "TorchSharp.torch.linalg.ldl_solve", "may not use ldl_solve: it takes or holds a tensor of indices (pivots)")]
    // pad_packed_sequence writes by the batch sizes of the PackedSequence it is given, a public tensor homework code could
    // overwrite: a negative size wrote before the start of a new buffer (a red team, stop 58). A type that holds indices counts.
    [TestCase("packed-sequence-batch-sizes", """
        public static class Packer
        {
            public static void Write(TorchSharp.torch.Tensor x)
            {
                var packed = TorchSharp.torch.nn.utils.rnn.pack_sequence(new[] { x, x }, true);
                packed.batch_sizes.copy_(TorchSharp.torch.tensor(new long[] { 2, -100 }));
                TorchSharp.torch.nn.utils.rnn.pad_packed_sequence(packed, false, 0.0, null);
            }
        }
        """, "TorchSharp.torch.nn.utils.rnn.PackedSequence", "may not use PackedSequence: it takes or holds a tensor of indices (batch_sizes")]
    [TestCase("uninitialised-like", """
        public static class Freed
        {
            public static TorchSharp.torch.Tensor Like(TorchSharp.torch.Tensor t) => TorchSharp.torch.empty_like(t);
        }
        """, "TorchSharp.torch.empty_like", "holds whatever an earlier tensor left there")]
    // A finalizer runs on the finalizer thread, beside the tests, and no test's limit stops it (a red team, stop 54).
    [TestCase("finalizer-thread", """
        public sealed class Spy
        {
            long seen;
            ~Spy() { while (true) seen++; }
        }
        """, "a finalizer", "may not write a finalizer")]
    public async Task Given_code_that_reaches_outside_the_sandbox_When_graded_Then_it_is_refused_before_any_of_it_runs(string name, string code, string api, string reason)
    {
        var (report, file, _) = await Attack("hw3-attention", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Summary, Does.Contain($"The submission was refused, so no test ran: it uses {api}").And.Contain(reason));
        Assert.That(report.Annotations.Where(a => a.Level == AnnotationLevel.Failure).Select(a => a.File), Has.All.EqualTo(file).And.Not.Empty);
        Assert.That(report.Tests.Select(t => t.DurationSeconds), Has.All.Zero, "nothing ran");
    }

    // --- Reaches past its own part of a given model: a red team (stop 58) fed a test's own recording hook an activation that did
    // not require grad (HookPoint.Call), then removed it (RemoveHooks), so a Measure that ran with gradients passed hw7's
    // no_grad check. Course.Lens keeps what runs or removes other code's hooks for the tests ([NotForHomework]). ---

    [TestCase("HookPoint.Call", "model.Hook(\"blocks.1.hook_resid_post\").Call(TorchSharp.torch.zeros(1));")]
    [TestCase("HookPoint.RemoveHooks", "model.Hook(\"blocks.1.hook_resid_post\").RemoveHooks();")]
    [TestCase("HookedRootModule.ResetHooks", "model.ResetHooks();")]
    [TestCase("HookedRootModule.WatchPasses", "model.WatchPasses().Dispose();", "it watches the passes of a model for a test")]
    public async Task Given_code_that_runs_or_removes_hooks_other_code_added_When_graded_Then_it_is_refused(string member, string statement,
        string reason = "it runs or removes the hooks other code added to the model")
    {
        var code = $"public static class Meddler {{ public static void Meddle(Course.Lens.HookedTransformer model) {{ {statement} }} }}";

        var (report, _, _) = await Attack("hw7-sae", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Summary, Does.Contain($"Homework code may not use {member}: {reason}"));
    }

    // --- Hides a banned call where no call from a test leads: once graded in full under a manifest that refuses banned use. ---

    [TestCase("static-constructor", """
        public static class Autograd
        {
            static Autograd() { var y = TorchSharp.torch.ones(2).requires_grad_(); y.sum().backward(); }
            public static int Ready => 1;
        }
        """)]
    [TestCase("code-no-test-calls", """
        public static class Unused
        {
            public static void Grad(TorchSharp.torch.Tensor x) => x.requires_grad_().sum().backward();
        }
        """)]
    public async Task Given_autograd_where_no_call_from_a_test_leads_in_hw2_When_graded_Then_the_submission_is_refused_as_hw2s_manifest_says(string name, string code)
    {
        var folder = scratch["hw2-backprop"];
        var file = Write("hw2-backprop", folder, code);

        var report = await GradeAsync("hw2-backprop", folder);

        Assert.That(Layout.LoadManifest("hw2-backprop").BannedPolicy, Is.EqualTo(BannedPolicy.Reject));
        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Score, Is.Zero);
        Assert.That(report.Summary, Does.Contain("The submission was refused, so no test ran").And.Contain($"requires_grad_(bool) at {file}:"));
        Assert.That(report.Tests.Select(t => t.Message), Has.All.Contain(Course.Grader.Pipeline.BannedReach.AnyTest));
        Assert.That(report.Tests.Select(t => t.Message), Has.None.Contain(ScoreStage.NoResult));
        Assert.That(report.Tests.Select(t => t.DurationSeconds), Has.All.Zero, "a refused submission's code never runs");
    }

    // --- Compares equal to anything: NUnit's Is.EqualTo asks the values' own types whether they are equal. ---

    /// <summary>
    /// hw6's public test of <c>MinimalPairs.Of</c> asserts <c>Is.EqualTo</c> on the list it returns, typed
    /// <c>IReadOnlyList&lt;MinimalPair&gt;</c>, in a file the student writes whole: a list or a record of the student's own that
    /// calls itself equal to anything passed that test without computing a pair (before ValueComparison, the list passed it and
    /// lost only the hidden test that reads the pairs one by one).
    /// </summary>
    [TestCase("a-list-equal-to-anything", "return new Liar();", "", """
        public sealed class Liar : List<MinimalPair>, IEquatable<object>
        {
            public new bool Equals(object? other) => true;
        }
        """, "public new bool Equals", "System.IEquatable<object>.Equals(object?)")]
    [TestCase("a-record-equal-to-anything", "return [new(\"\", \"\", false), new(\"\", \"\", false)];",
        " { public bool Equals(MinimalPair? other) => true; public override int GetHashCode() => 0; }", "",
        "public sealed record MinimalPair", "System.IEquatable<Hw6.Patching.MinimalPair>.Equals(Hw6.Patching.MinimalPair?)")]
    public async Task Given_a_result_that_calls_itself_equal_to_anything_in_hw6_When_graded_Then_it_is_refused_where_its_equality_is_written(
        string name, string of, string recordBody, string code, string at, string api)
    {
        var folder = scratch["hw6-patching"];
        var file = Write("hw6-patching", folder, code);
        // Of computes nothing; the record may say it equals any other.
        var path = Path.Combine(folder, file);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(path), @"// BEGIN SOLUTION: Corrupt each prompt.*?// END SOLUTION", of,
            System.Text.RegularExpressions.RegexOptions.Singleline));
        Assert.That(File.ReadAllText(path), Does.Contain(of), name);
        const string record = "public sealed record MinimalPair(string Clean, string Corrupted, bool PluralClean)";
        Replace(folder, file, record + ";", record + (recordBody.Length == 0 ? ";" : recordBody));

        var report = await GradeAsync("hw6-patching", folder);

        AssertRefusedBeforeAnyOfItRan(report, api, "may not define their own equality or ordering", file, LineOf(folder, file, at));
    }

    /// <summary>
    /// hw3's MultiHeadAttention, with a named_parameters that reports only W_O and b_O: a red-team module that used no query,
    /// key or value weight passed the hidden check that every parameter gets a gradient this way (+3 points), as the test
    /// reads a module's parameters through TorchSharp's virtual member.
    /// </summary>
    [Test]
    public async Task Given_a_module_that_reports_only_some_of_its_parameters_When_graded_Then_it_is_refused_where_the_override_is_written()
    {
        var folder = scratch["hw3-attention"];
        Write("hw3-attention", folder, "");
        const string file = "MultiHeadAttention.cs", at = "public override IEnumerable<(string name, Parameter parameter)> named_parameters";
        Replace(folder, file, "    public Tensor? Pattern { get; private set; }", $$"""
                public Tensor? Pattern { get; private set; }

                {{at}}(bool recurse = true) { yield return ("W_O", W_O); yield return ("b_O", b_O); }
            """);

        var report = await GradeAsync("hw3-attention", folder);

        AssertRefusedBeforeAnyOfItRan(report, "TorchSharp.torch.nn.Module.named_parameters(bool)", "may override only what they are asked to write", file, LineOf(folder, file, at));
    }

    /// <summary>A refusal's report: zero, no test ran, the summary names the API and why, an annotation at the student's line.</summary>
    static void AssertRefusedBeforeAnyOfItRan(GradeReport report, string api, string reason, string file, int line)
    {
        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected), report.Describe());
        Assert.That(report.Score, Is.Zero);
        Assert.That(report.Summary, Does.Contain($"The submission was refused, so no test ran: it uses {api}").And.Contain(reason));
        Assert.That(report.Annotations.Where(a => a.Level == AnnotationLevel.Failure).Select(a => (a.File, a.Line)), Does.Contain((file, line)));
        Assert.That(report.Tests.Select(t => t.DurationSeconds), Has.All.Zero, "nothing ran");
    }

    // --- Reads the test's own expected values: every tensor a test makes lives in the dispose scope TorchScope opens around it. ---

    /// <summary>
    /// hw3's <c>Attention.Scores</c> returns the latest tensor of the right shape in the current dispose scope, which in
    /// <c>Scores_AreDotProductsDividedBySqrtDHead</c> is the test's expected value, made before the call (before the denial,
    /// that test passed, 4 points, and a hidden golden loaded before a call would have been as open).
    /// </summary>
    [Test]
    public async Task Given_code_that_returns_the_tests_expected_tensor_from_its_dispose_scope_When_graded_Then_it_is_refused_before_any_of_it_runs()
    {
        var folder = scratch["hw3-attention"];
        Write("hw3-attention", folder, "");
        const string file = "Attention.cs", steal = "TorchSharp.torch.CurrentDisposeScope.DisposablesView";
        Replace(folder, file, "return q.matmul(k.transpose(-2, -1)) / Math.Sqrt(d_head); // [..., q_pos, k_pos]", $$"""
            long[] want = [.. q.shape[..^1], k.shape[^2]];
                    return {{steal}}.OfType<Tensor>()
                        .Last(t => !ReferenceEquals(t, q) && !ReferenceEquals(t, k) && t.shape.SequenceEqual(want)).clone();
            """);

        var report = await GradeAsync("hw3-attention", folder);

        AssertRefusedBeforeAnyOfItRan(report, "TorchSharp.torch.CurrentDisposeScope", "may not reach the tests' tensors", file, LineOf(folder, file, steal));
    }

    /// <summary>
    /// Answers with memory it never wrote: <c>torch.empty</c> of the right shape, hoping for a freed tensor that held the
    /// answer. The worker's malloc reuses freed tensor memory of any size up to 32 MiB
    /// (<c>WorkerEnvironment.AllocatorTunables</c>), as it always did for small blocks and a GPU's caching allocator does
    /// for all. The tests make their expected values before the call and keep them, but homework code can free what it
    /// computed itself: a red team (stop 57) planted a correct stage's output in memory it freed at once, and a stub
    /// <c>Transformer.forward</c> read it back in the next check (7 points in hw4). So memory never written is refused.
    /// </summary>
    [Test]
    public async Task Given_code_that_answers_with_uninitialised_memory_When_graded_Then_it_is_refused_before_any_of_it_runs()
    {
        var folder = scratch["hw3-attention"];
        Write("hw3-attention", folder, "");
        const string file = "Attention.cs", never = "return empty([.. q.shape[..^1], k.shape[^2]], q.dtype, q.device); // [..., q_pos, k_pos], never written";
        Replace(folder, file, "return q.matmul(k.transpose(-2, -1)) / Math.Sqrt(d_head); // [..., q_pos, k_pos]", never);

        var report = await GradeAsync("hw3-attention", folder);

        AssertRefusedBeforeAnyOfItRan(report, "TorchSharp.torch.empty", "holds whatever an earlier tensor left there", file, LineOf(folder, file, never));
    }

    /// <summary>
    /// hw3's <c>Attention.Pattern</c>, 0.08% off, switches the default dtype to float16 and answers in float16: the
    /// <c>ones(...)</c> that <c>Pattern_IsExactlyZeroAboveTheDiagonal_AndEachRowSumsToOne</c> builds after the call is then
    /// float16 too, and the comparison takes float16's tolerance (rtol 1e-3 instead of float32's 6.1e-5). Before the
    /// denial, that test passed (4 points).
    /// </summary>
    [Test]
    public async Task Given_code_that_switches_the_default_dtype_to_loosen_a_tests_tolerance_When_graded_Then_it_is_refused_before_any_of_it_runs()
    {
        var folder = scratch["hw3-attention"];
        Write("hw3-attention", folder, "");
        const string file = "Attention.cs", loosen = "TorchSharp.torch.set_default_dtype(ScalarType.Float16);";
        Replace(folder, file, "return masked.softmax(-1); // [..., q_pos, k_pos]", $"""
            {loosen}
                    return (masked.softmax(-1) * 1.0008).to(ScalarType.Float16);
            """);

        var report = await GradeAsync("hw3-attention", folder);

        AssertRefusedBeforeAnyOfItRan(report, "TorchSharp.torch.set_default_dtype", "may not change the defaults the tests make their tensors with",
            file, LineOf(folder, file, loosen));
    }

    // --- Writes over a tensor a test gave it, so that what the test computes from that tensor afterwards agrees. ---

    [Test]
    public async Task Given_a_loss_that_writes_the_answer_over_the_logits_it_is_given_When_graded_Then_the_training_tests_that_read_them_fail()
    {
        var folder = scratch["hw2-backprop"];
        Write("hw2-backprop", folder, "");
        // SGD that never moves a weight, so nothing can train...
        Replace(folder, "Sgd.cs", "parameter.Value.sub_(update);", "_ = update;");
        // ...and a loss that writes the targets, one-hot, over the logits it was given once it has its value. The training
        // tests read the accuracy from those logits: before TensorHandOff they passed, 11 of 100 points for no training.
        Replace(folder, "SoftmaxCrossEntropy.cs", "return -logProbabilities.gather(1, targets.unsqueeze(1)).mean(); // []", """
            var loss = -logProbabilities.gather(1, targets.unsqueeze(1)).mean(); // []
                    logits.copy_(nn.functional.one_hot(targets, logits.shape[1]).to_type(logits.dtype) * 10);
                    return loss;
            """);

        var report = await GradeAsync("hw2-backprop", folder);

        AssertGradedAndFailing(report, 2, "SpiralTrainingTests.", "HiddenSpiralTrainingTests.");
    }

    [Test]
    public async Task Given_a_circuit_that_zeroes_the_models_embedding_and_returns_zeros_When_graded_Then_its_tests_fail()
    {
        var folder = scratch["hw8-circuits"];
        Write("hw8-circuits", folder, "");
        // No circuit at all: zeros, after zeroing the embedding of the model the test gave it. The tests took the expected
        // W_E W_Q W_Kᵀ W_Eᵀ from that model afterwards, so it was zero too: 100/100 before the tests read a copy.
        Replace(folder, "Circuits.cs", "return QK(model, layer, head).LeftMatMul(model.W_E).MatMul(model.W_E.T); // [d_vocab, d_vocab]", """
            using (no_grad()) model.W_E.zero_();
                    return new FactoredMatrix(zeros(model.W_E.shape[0], 1, device: model.W_E.device), zeros(1, model.W_E.shape[0], device: model.W_E.device));
            """);

        var report = await GradeAsync("hw8-circuits", folder);

        AssertGradedAndFailing(report, 2, "CircuitsTests.FullQK_");
    }

    /// <summary>The grade ran, and each of the <paramref name="count"/> tests whose names start with one of <paramref name="prefixes"/> failed.</summary>
    static void AssertGradedAndFailing(GradeReport report, int count, params string[] prefixes)
    {
        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe());
        var named = report.Tests.Where(t => prefixes.Any(p => t.Name.StartsWith(p, StringComparison.Ordinal))).ToList();
        Assert.That(named, Has.Count.EqualTo(count));
        Assert.That(named.Select(t => t.Passed), Has.All.False, report.Describe());
    }

    // --- Ends the test process from inside libtorch on every call, to lose the other tests' results or hang the grader. ---

    [Test]
    public async Task Given_code_that_aborts_the_test_process_in_libtorch_on_every_call_When_graded_Then_those_tests_fail_with_libtorchs_line_and_the_rest_still_run()
    {
        var folder = scratch["hw3-attention"];
        Write("hw3-attention", folder, "");
        // In the sinusoidal table, which 3 test methods call: each crash costs a worker restart, and every call site crashes.
        // A matmul of mismatched shapes: TorchSharp 0.107 lets libtorch's exception end the process (exit code 134).
        Replace(folder, "SinusoidalPositionalEmbedding.cs", "return table;", "return pos.matmul(ones(3, 2));");

        var report = await GradeAsync("hw3-attention", folder);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe());
        Assert.That(report.Tests.Select(t => t.FullName).Order(StringComparer.Ordinal), Is.EqualTo(ListedTests("hw3-attention")), "every test is listed");
        var crashed = report.Tests.Where(t => t.Message.Contains("libtorch ended the test process", StringComparison.Ordinal)).ToList();
        Assert.That(crashed, Has.Count.GreaterThanOrEqualTo(2), "a crash each, so the worker restarted between them: " + report.Describe());
        Assert.That(crashed.Select(t => t.Message), Has.None.Contains("THSTensor_").And.None.Contains("frame #"), "no native frames");
        Assert.That(crashed.Select(t => t.Message.Split('\n')[0]), Has.All.Match(@"^torch\.matmul: .*(cannot be multiplied|Expected size).*\d.*$"),
            "libtorch's one line with the shapes, not its native frames");
        Assert.That(crashed.Select(t => t.FullName), Has.All.Contains("PositionalEmbedding"), "only the tests that call the table");
        Assert.That(report.Tests.Where(t => t.Passed).Select(t => t.FullName), Has.Some.Contains("AttentionTests").And.Some.Contains("MultiHeadAttention"),
            "tests that never call the table still pass");
    }

    // --- Floods the report: every place found is an annotation, and every annotation goes to the gradebook and GitHub. ---

    /// <summary>
    /// A banned call on each of 2,000 lines. Before the limit every one was an annotation: 20,000 such lines made a
    /// report of 6.9 MB and would have taken 400 check-run requests to publish.
    /// </summary>
    [Test]
    public async Task Given_a_banned_call_on_thousands_of_lines_When_graded_Then_the_report_annotates_the_first_50_and_says_how_many_it_left_out()
    {
        var calls = string.Concat(Enumerable.Repeat("        _ = System.Console.ReadLine();\n", 2000));
        var (report, file, folder) = await Attack("hw3-attention", $$"""
            public static class Flood
            {
                public static void Go()
                {
            {{calls}}    }
            }
            """);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected));
        var first = LineOf(folder, file, "public static void Go()") + 2;
        Assert.That(report.Annotations.Select(a => a.Line), Is.EqualTo(Enumerable.Range(first, Course.Grader.Score.ScoreStage.MaxAnnotations)));
        Assert.That(report.Summary, Does.Contain("it uses System.Console.ReadLine() at").And.Contain("(and 1,999 more place(s))")
            .And.EndWith("Only 50 of the 2,000 places found are annotated, failures first."));
    }

    /// <summary>
    /// A refused type that names itself at length: 16 levels of a generic type whose 9 other arguments are a class with a
    /// 500-character name, a file type at the bottom. The refusal's message quotes the type at every level, and each test's
    /// "Not run" repeats it: 73 KB of code made a report of 25 MB, its summary and each of its 32 test messages 635,000
    /// characters long.
    /// </summary>
    [Test]
    public async Task Given_a_refused_type_with_a_name_hundreds_of_kilobytes_long_When_graded_Then_every_text_of_the_report_is_cut_to_its_limit()
    {
        var name = "L" + new string('a', 499);
        var type = "System.IO.FileInfo";
        for (var level = 0; level < 16; level++) type = $"W<{string.Join(", ", Enumerable.Repeat(name, 9))}, {type}>";
        var (report, _, _) = await Attack("hw3-attention", $$"""
            public sealed class {{name}} { }
            public sealed class W<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9> { }
            public static class Deep
            {
                public static object? Go() => default({{type}});
            }
            """);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Rejected));
        Assert.That(report.Summary, Has.Length.EqualTo(Course.Grader.Report.ReportText.MaxBlockChars).And.Contain("The submission was refused, so no test ran: it uses Hw3.Attention.W<"));
        Assert.That(report.Tests.Select(t => t.Message.Length).Append(report.Annotations.Max(a => a.Message.Length)),
            Has.All.LessThanOrEqualTo(Course.Grader.Report.ReportText.MaxBlockChars));
        Assert.That(report.Annotations.Select(a => a.Title.Length), Has.All.LessThanOrEqualTo(Course.Grader.Report.ReportText.MaxLineChars));
    }

    // --- Makes the compiler work forever: refused before compiling, or stopped at the compile time limit. ---

    [Test]
    public async Task Given_lambdas_nested_in_overloaded_calls_When_graded_Then_it_is_a_compile_error_before_the_compiler_starts()
    {
        // Each lambda would be bound once per overload of M at every depth: 2^30 bindings, days of work for the compiler.
        var lambdas = string.Concat(Enumerable.Range(0, 30).Select(i => $"M(x{i} => "));
        var code = $$"""
            public static class Bomb
            {
                static int M(System.Func<int, int> f) => 0;
                static int M(System.Func<string, int> f) => 0;
                public static int Go() => {{lambdas}}0{{new string(')', 30)}};
            }
            """;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (report, file, folder) = await Attack("hw3-attention", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("error COURSE0001: lambdas nested in calls to overloaded methods make the compiler bind this one up to 1,073,741,824 times"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line)), Is.EqualTo(new[] { (file, LineOf(folder, file, "public static int Go()")) }));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "refused before compiling, not compiled");
    }

    /// <summary>
    /// A type argument nested 20,000 deep (122 KB): Roslyn's parser recursed once a level and overflowed the grader's own
    /// stack, which .NET cannot catch; the grade ended with no report, and a batch ended with it on every rerun.
    /// </summary>
    [Test]
    public async Task Given_a_type_nested_deeper_than_the_compiler_can_read_When_graded_Then_it_is_a_compile_error_before_the_parser_reads_it()
    {
        var code = "public static class Deep { public static " + string.Concat(Enumerable.Repeat("System.Collections.Generic.List<", 20_000)) + "int" +
                   new string('>', 20_000) + "? F; }";

        var (report, file, folder) = await Attack("hw3-attention", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("error COURSE0004: code nested more than 256 levels deep"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line)), Is.EqualTo(new[] { (file, LineOf(folder, file, "public static class Deep")) }));
    }

    /// <summary>
    /// Constant strings that each double the one before: the compiler keeps them as ropes and spells them out when it writes
    /// the assembly. 26 such lines made a grade of hw8 fail as a grader error after the grader's own process held 2.4 GB (27
    /// lines: 5.1 GB), and in a batch they took that memory from every grade beside it.
    /// </summary>
    [Test]
    public async Task Given_constants_that_each_double_the_last_When_graded_Then_it_is_a_compile_error_before_the_compiler_spells_them_out()
    {
        var code = Course.Grader.Tests.Compile.ConstantFoldingTests.Doubling(27).Replace("static class Bomb", "public static class Bomb", StringComparison.Ordinal);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var (report, file, folder) = await Attack("hw3-attention", code);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("error COURSE0002: constant strings built from other constants could make the compiler spell out up to"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line)), Is.EqualTo(new[] { (file, LineOf(folder, file, "const string C27 = C26 + C26;")) }));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "refused before compiling, not compiled");
    }

    /// <summary>
    /// Generic calls nested in each other: Func&lt;T, ..., T&gt; of 17 T's, 5 deep, has 17^5 = 1.4 million parts. It compiled in
    /// 2 s, and before <see cref="Course.Grader.Analyze.TypeSize"/> the analysis then read every part of it at every use: 19 s
    /// at 5 deep; at 6 deep (10 s to compile) the grade ran for minutes while its memory grew past 3 GB.
    /// </summary>
    [Test]
    public async Task Given_nested_generic_calls_that_build_a_type_exponentially_large_When_graded_Then_it_is_refused_before_any_of_it_runs()
    {
        const string use = "public static bool Go() => F(F(F(F(F(0))))) is null;";
        var (report, file, folder) = await Attack("hw3-attention", NestedGenericCalls(use));

        AssertRefusedBeforeAnyOfItRan(report, "Hw3.Attention.Bomb.F<...>", "This type is built from more than 256 types", file, LineOf(folder, file, use));
    }

    /// <summary>
    /// The same calls with a type error: Roslyn's message writes out the type. 4 deep, it wrote 83,521 <c>int</c>s in the
    /// summary and again in the annotation; 5 deep, 150 million characters, a report of 310 MB made with 2 GB of memory.
    /// </summary>
    [Test]
    public async Task Given_a_type_error_on_a_type_exponentially_large_When_graded_Then_the_compile_error_says_so_in_a_line()
    {
        const string use = "public static int Go() { int x = F(F(F(F(0)))); return x; }";
        var (report, file, folder) = await Attack("hw3-attention", NestedGenericCalls(use));

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.EndWith($"error CS0029: {Course.Grader.Compile.CompilerMessage.TooLarge}"));
        Assert.That(report.Annotations.Select(a => (a.File, a.Line, a.Message)),
            Is.EqualTo(new[] { (file, LineOf(folder, file, use), Course.Grader.Compile.CompilerMessage.TooLarge) }));
    }

    /// <summary>A class whose F returns a Func of 17 T's, so that each call of F nested in another multiplies its type by 17; and <paramref name="use"/>.</summary>
    static string NestedGenericCalls(string use) => $$"""
        public static class Bomb
        {
            static System.Func<T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T>? F<T>(T t) => null;
            {{use}}
        }
        """;

    /// <summary>Each line doubles the type of the one before (<c>Tuple&lt;T, T&gt;</c>), and Roslyn's binding time with it.</summary>
    internal static string DoublingTypes(int lines) =>
        "public static class Chain\n{\n    public static int Go()\n    {\n        var v0 = 0;\n" +
        string.Concat(Enumerable.Range(1, lines).Select(k => $"        var v{k} = System.Tuple.Create(v{k - 1}, v{k - 1});\n")) +
        $"        return v{lines} is null ? 0 : 1;\n    }}\n}}\n";

    [Test]
    public async Task Given_lines_that_each_double_the_type_of_the_last_When_graded_Then_the_compile_is_stopped_at_its_limit()
    {
        // 21 lines: about 8 s of binding on an idle core, so the compile thread also ends soon after the grade. Forty lines
        // never end; `course batch` sheds such a thread by restarting itself (BatchRestartTests).
        var (report, _, _) = await Attack("hw3-attention", DoublingTypes(21), compileTimeout: TimeSpan.FromSeconds(1));

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("compiling your code took longer than 1 s, so it was stopped"));
    }

    [Test]
    public async Task Given_a_compile_that_runs_past_its_limit_When_graded_Then_it_is_stopped_and_reported_as_a_compile_error()
    {
        var (report, _, _) = await Attack("hw3-attention", "public static class Slow { }", compileTimeout: TimeSpan.FromMilliseconds(1));

        Assert.That(report.Status, Is.EqualTo(GradeStatus.CompileError));
        Assert.That(report.Summary, Does.Contain("compiling your code took longer than 0.001 s, so it was stopped"));
    }

    // --- A mode of the test thread as a bit between tests: TorchScope puts it back before every test. ---

    /// <summary>
    /// A red team (stop 56, a03) left an <c>inference_mode()</c> guard undisposed in one test and read the mode in the next,
    /// a bit carried past the static-state rule, which also broke the tests' own <c>backward()</c> for the rest of the run.
    /// Correct solutions use <c>inference_mode</c> as they would <c>no_grad</c>, so it is allowed; every test starts with it off.
    /// </summary>
    [Test]
    public async Task Given_an_inference_mode_guard_left_on_by_one_test_When_graded_Then_the_next_test_starts_with_it_off()
    {
        var folder = scratch["hw1-lm-basics"];
        Write("hw1-lm-basics", folder, "");
        Replace(folder, "Bigram.cs", "long n = tokens.shape[0];", "long n = tokens.shape[0]; _ = inference_mode(true); // never disposed");
        Replace(folder, "Bigram.cs", "long V = counts.shape[1];",
            "long V = counts.shape[1]; if (is_inference_mode_enabled()) throw new InvalidOperationException(\"inference mode carried over\");");

        var report = await GradeAsync("hw1-lm-basics", folder);

        Assert.That(report.Status, Is.EqualTo(GradeStatus.Graded), report.Describe());
        Assert.That(report.Tests.Where(t => t.Message.Contains("inference mode carried over", StringComparison.Ordinal)).Select(t => t.Name), Is.Empty,
            "no test sees the mode an earlier test left on");
        Assert.That(report.Tests.Where(t => t.Name.StartsWith("BigramTests.TransitionMatrix", StringComparison.Ordinal)).Select(t => t.Passed), Is.Not.Empty.And.All.True);
        Assert.That(report.Tests.Single(t => t.Name.StartsWith("MarkovLmTests.TrainStep", StringComparison.Ordinal)).Passed, Is.True,
            "a later test's own backward() works");
    }
}
