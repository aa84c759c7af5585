namespace Course.Grader.Sandbox;

/// <summary>
/// The layers a run reports: the grader's own (environment, run folder, limits over the group) and those
/// each worker start applied to itself. A worker layer counts as active only if every start that
/// reported said so; the first start that did not gives the reason.
/// </summary>
static class SandboxSummary
{
    public static IReadOnlyList<SandboxLayer> Combine(
        SandboxLayer environment, SandboxLayer runFolder, SandboxLayer groupLimits, IEnumerable<IReadOnlyList<SandboxLayer>?> workerReports)
    {
        var reports = workerReports.OfType<IReadOnlyList<SandboxLayer>>().ToList();
        var layers = new List<SandboxLayer> { environment, runFolder };
        foreach (var name in SandboxLayerNames.WorkerApplied)
        {
            var reported = reports.Select(r => r.FirstOrDefault(l => l.Name == name)).ToList();
            layers.Add(reported.Count == 0 || reported.Any(l => l is null)
                ? new SandboxLayer(name, false, reports.Count == 0
                    ? "unknown: the worker ended before it reported its sandbox"
                    : "unknown: a worker start did not report it")
                : reported.FirstOrDefault(l => !l!.Active) ?? reported[0]!);
            if (name == SandboxLayerNames.ProcessGroup) layers.Add(groupLimits);
        }
        return layers;
    }

    /// <summary>The grader's side of the limits: what its memory and process checks count.</summary>
    public static SandboxLayer GroupLimits(int memoryMb, int maxProcesses) =>
        OperatingSystem.IsLinux()
            ? new(SandboxLayerNames.GroupLimits, true,
                $"the memory limit ({memoryMb} MB) counts the resident memory of every process in the worker's group, and the group may hold at most {maxProcesses} processes")
            : new(SandboxLayerNames.GroupLimits, false, "only the worker's own memory is counted: reading other processes' memory needs Linux's /proc");
}
