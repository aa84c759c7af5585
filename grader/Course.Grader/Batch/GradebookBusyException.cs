namespace Course.Grader.Batch;

/// <summary>
/// Another batch of the same assignment holds the gradebook (<see cref="IGradebook.HoldForBatch"/>): this one grades nothing.
/// Its message says so, and what to do, in one line.
/// </summary>
public sealed class GradebookBusyException(string message) : Exception(message);
