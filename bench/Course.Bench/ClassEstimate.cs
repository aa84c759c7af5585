using Course.Grader.Batch;
using Course.Grader.Manifest;
using static Course.Bench.Measure;

namespace Course.Bench;

/// <summary>
/// The README's expected wall time for a class of 500 (issue 16), from figures measured here: for every homework, a batch
/// of copies of its reference with <c>--jobs</c> set to this machine's cores, as CPU seconds per submission (user + sys of
/// <c>course batch</c> and every process it waited for); and the largest shard that <see cref="Shard.Of"/> makes of 500
/// logins, over many simulated rosters, since a sharded workflow is as slow as its largest shard.
/// </summary>
static class ClassEstimate
{
    const int Copies = 4, Students = 500, RunnerCores = 4, Rosters = 200;
    static readonly int[] RunnerCounts = [10, 20];
    /// <summary>Assumed, not measured here: a runner's checkout, .NET setup, restore and build before it grades, and the merge job.</summary>
    const double SetupMinutes = 2, MergeMinutes = 2;

    public static void Print(CourseLayout layout, string work, Action<string> course)
    {
        var cores = Environment.ProcessorCount;
        var shards = RunnerCounts.Select(n => (Count: n, Largest: LargestShard(n))).ToList();
        Console.WriteLine($"\n| homework | CPU per submission (tests' own) | one machine of {cores} cores: {Students} × CPU / {cores} | " +
            string.Join(" | ", shards.Select(s => $"{s.Count} runners of {RunnerCores} cores: {s.Largest.Mean:0} × CPU / {RunnerCores} + {SetupMinutes + MergeMinutes:0} min")) + " |");
        Console.WriteLine("| --- | --- | --- | " + string.Join(" | ", shards.Select(_ => "---")) + " |");
        foreach (var id in layout.HomeworkIds().Intersect(layout.AssignmentIds()))
        {
            var (cpu, tests) = PerSubmission(layout, id, Path.Combine(work, "class-" + id), course);
            var runners = shards.Select(s => Duration(s.Largest.Mean * cpu / RunnerCores + (SetupMinutes + MergeMinutes) * 60));
            Console.WriteLine($"| {id} | {cpu:0.0} s ({tests:0.0} s) | {Duration(Students * cpu / cores)} | {string.Join(" | ", runners)} |");
        }
        Console.WriteLine($"CPU per submission: of a batch of {Copies} copies of the reference with --jobs {cores}, divided by {Copies}. The largest shard of {Students} " +
            $"random logins, mean over {Rosters} rosters (95th percentile: {string.Join(", ", shards.Select(s => $"{s.Largest.P95} of {s.Count}"))}). " +
            $"Assumed: a runner's core is as fast as one here, and {SetupMinutes:0} min of setup per runner and {MergeMinutes:0} min of merge.");
    }

    /// <summary>CPU seconds per submission of a batch of the reference's copies, and the tests' own share of it.</summary>
    static (double Cpu, double Tests) PerSubmission(CourseLayout layout, string id, string classDir, Action<string> course)
    {
        var manifest = layout.LoadManifest(id);
        var reference = Path.Combine(layout.ReferenceDir(id), manifest.Project);
        for (var i = 0; i < Copies; i++) CopyStudentFiles(manifest, reference, Path.Combine(classDir, $"student{i}", manifest.Project));
        var gradebook = classDir + ".db";
        var before = ChildrenCpuSeconds();
        course($"batch {id} --dir {classDir} --jobs {Environment.ProcessorCount} --gradebook {gradebook}");
        var cpu = ChildrenCpuSeconds() - before;
        var grades = Grades(gradebook);
        if (grades.Count != Copies || grades.Any(g => g.Score != g.MaxScore))
            throw new InvalidOperationException($"{id}: the batch of its reference gave {string.Join(", ", grades.Select(g => $"{g.Score}/{g.MaxScore}"))}, " +
                $"not {Copies} full marks, so its time is not a correct submission's");
        return (cpu / Copies, grades.Sum(g => g.TestSeconds) / Copies);
    }

    /// <summary>The largest of <paramref name="count"/> shards of <see cref="Students"/> random logins: its mean and 95th percentile over the rosters.</summary>
    static (double Mean, int P95) LargestShard(int count)
    {
        var random = new Random(16);
        var largest = Enumerable.Range(0, Rosters).Select(_ => Enumerable.Range(0, Students)
                .Select(_ => Shard.Of($"student-{random.Next():x8}", count))
                .GroupBy(shard => shard).Max(g => g.Count()))
            .Order().ToList();
        return (largest.Average(), largest[(int)Math.Ceiling(0.95 * Rosters) - 1]);
    }

    static string Duration(double seconds) => seconds < 3600
        ? $"{seconds / 60:0} min"
        : $"{(int)(seconds / 3600)} h {seconds % 3600 / 60:00} min";
}
