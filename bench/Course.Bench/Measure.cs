using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Course.Grader.Manifest;
using Microsoft.Data.Sqlite;

namespace Course.Bench;

/// <summary>How the bench runs a command and reads what it cost: wall time, CPU time and the tests' own time.</summary>
static class Measure
{
    /// <summary>Runs a process to its end; a non-zero exit code is the bench's failure, with the process's output.</summary>
    public static void Run(string directory, string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} (in {directory}) exited {process.ExitCode}:\n{output.Result}\n{errors.Result}");
    }

    /// <summary>Copies the homework's student files (the manifest's <c>student_files</c>) from one project folder to another, as a student's submission holds them.</summary>
    public static void CopyStudentFiles(AssignmentManifest manifest, string from, string to)
    {
        foreach (var file in manifest.StudentFiles)
        {
            var target = Path.Combine(to, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(from, file), target, overwrite: true);
        }
    }

    /// <summary>The median of several timings, and the quickest and slowest of them.</summary>
    public static (double Median, double Min, double Max) Spread(IEnumerable<double> seconds)
    {
        var sorted = seconds.Order().ToList();
        return (sorted[sorted.Count / 2], sorted[0], sorted[^1]);
    }

    /// <summary>Wall-clock seconds.</summary>
    public static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>A gradebook's grades: each report's score, maximum and the sum of its tests' durations.</summary>
    public static IReadOnlyList<(double Score, double MaxScore, double TestSeconds)> Grades(string gradebook)
    {
        using var connection = new SqliteConnection($"Data Source={gradebook};Mode=ReadOnly");
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT report_json FROM grades";
        using var reader = query.ExecuteReader();
        var grades = new List<(double, double, double)>();
        while (reader.Read())
        {
            if (reader.IsDBNull(0)) continue;
            using var report = JsonDocument.Parse(reader.GetString(0));
            var root = report.RootElement;
            grades.Add((root.GetProperty("score").GetDouble(), root.GetProperty("max_score").GetDouble(),
                root.GetProperty("tests").EnumerateArray().Sum(t => t.GetProperty("duration_seconds").GetDouble())));
        }
        return grades;
    }

    public static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : RuntimeInformation.ProcessArchitecture.ToString();

    /// <summary>
    /// user + nice + system + irq + softirq seconds of every core since boot (the first line of /proc/stat, in clock ticks
    /// of 1/100 s); NaN where there is no /proc/stat.
    /// </summary>
    public static double MachineCpuSeconds()
    {
        if (!File.Exists("/proc/stat")) return double.NaN;
        var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / 100.0;
    }

    /// <summary>user + sys seconds of every child process this process has waited for, and of what they waited for in turn.</summary>
    public static double ChildrenCpuSeconds()
    {
        if (getrusage(-1 /* RUSAGE_CHILDREN */, out var usage) != 0) throw new InvalidOperationException("getrusage failed");
        return usage.UserSeconds + usage.UserMicroseconds / 1e6 + usage.SystemSeconds + usage.SystemMicroseconds / 1e6;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int getrusage(int who, out RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }
}
