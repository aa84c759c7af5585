using Course.Grader.Manifest;
using Course.Grader.Run;
using Course.Grader.Workspace;

namespace Course.Grader.Pipeline;

/// <summary>One submission to grade.</summary>
/// <param name="IncludeHidden">Run the hidden tests too (the instructor's grade); false in a student's own repo, where they do not exist.</param>
/// <param name="Worker">The built test worker; null finds it as <see cref="WorkerLocation.Default"/> does.</param>
/// <param name="Clock">When the grade is given; tests pass a fixed one.</param>
/// <param name="Limits">Overrides the manifest's time and memory limits (tests use short ones).</param>
/// <param name="CompileTimeout">Overrides the manifest's compile time limit.</param>
/// <param name="StartWorkerEarly">Start the test worker once the submission is read, so that it loads while the code compiles
/// (<see cref="WorkerPool.ForOneGradeAsync"/>): most of a second sooner where a core is idle, as for one grade; a submission that
/// never reaches its tests (a compile error, a refusal) wastes that start. False for a batch, whose cores are busy with other
/// submissions: a worker starts only for a run.</param>
public sealed record GradeRequest(
    string Assignment,
    Submission Submission,
    CourseLayout Layout,
    bool IncludeHidden = true,
    WorkerLocation? Worker = null,
    Func<DateTimeOffset>? Clock = null,
    RunLimits? Limits = null,
    TimeSpan? CompileTimeout = null,
    bool StartWorkerEarly = true);
