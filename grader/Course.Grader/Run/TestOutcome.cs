namespace Course.Grader.Run;

/// <summary>How one test case ended, as graded.</summary>
public enum TestOutcome
{
    /// <summary>Ran to the end without a failed assertion (NUnit warnings count as passed).</summary>
    Passed,
    /// <summary>An assertion failed, or the grader stopped the test (time, memory, crash, exit).</summary>
    Failed,
    /// <summary>The test threw, or could not be run (not runnable, setup error, not reached before the run stopped, not reported).</summary>
    Error,
    /// <summary>Ignored, inconclusive or otherwise not run by the test's own choice.</summary>
    Skipped,
}
