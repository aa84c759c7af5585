using NUnit.Framework;
using NUnit.Framework.Interfaces;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Testing;

/// <summary>
/// Base class for numeric tests. Each test runs inside its own dispose scope, with a fixed global seed,
/// float32 as the default dtype, TF32 off, autograd on and inference mode off, and never in parallel: TorchSharp's dispose scopes are per
/// thread and its seeds per process.
/// </summary>
[NonParallelizable]
[TorchScope]
public abstract class TorchTest
{
    /// <summary>The device under test.</summary>
    protected static Device Device => TestDevice.Current;
}

/// <summary>Wraps each test in a TorchSharp dispose scope and a known global state.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method | AttributeTargets.Assembly, AllowMultiple = false, Inherited = true)]
public sealed class TorchScopeAttribute : Attribute, ITestAction
{
    public const long GlobalSeed = 20241;

    [ThreadStatic] static Stack<DisposeScope>? scopes;

    public ActionTargets Targets => ActionTargets.Test;

    public void BeforeTest(ITest test)
    {
        backends.cuda.matmul.allow_tf32 = false;
        backends.cudnn.allow_tf32 = false;
        set_default_dtype(ScalarType.Float32);
        // One CPU thread unless told otherwise: test hosts run side by side on small machines, where more
        // threads oversubscribe the cores and a 3 s training test can take a minute; it also fixes the
        // order of CPU reductions.
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null) set_num_threads(1);
        manual_seed(GlobalSeed);
        // Autograd on, as every test starts: code under test that leaves a no_grad() undisposed fails its own test, not
        // every later test of the run that needs a gradient. Not disposed, so it stays on; grad mode is per thread, so
        // the finalizer's restore touches only its own thread.
        if (!is_grad_enabled()) _ = set_grad_enabled(true);
        // Inference mode off, likewise: an inference_mode() left undisposed would carry a bit from one test to the next (a red
        // team, stop 56) and fail every later backward().
        if (is_inference_mode_enabled()) _ = inference_mode(false);
        (scopes ??= new()).Push(NewDisposeScope());
    }

    public void AfterTest(ITest test)
    {
        if (scopes is { Count: > 0 }) scopes.Pop().Dispose();
    }
}
