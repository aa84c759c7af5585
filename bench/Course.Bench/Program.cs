// Times the four figures of issue 16 on this machine and prints each beside its target. Everything runs as a child
// process, as a user would run it: `course` from its Release build and as an instructor installs it (published for this
// runtime, ReadyToRun), `dotnet test`, and the exported workflow's command. With --class it prints instead what README's
// estimate for a class of 500 is computed from (ClassEstimate.cs).
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Course.Bench;
using Course.Grader.Manifest;
using static Course.Bench.Measure;

const string Hw = "hw3-attention", Project = "Hw3.Attention";
var suite = args.Contains("--suite");
var layout = CourseLayout.FindFrom(AppContext.BaseDirectory);
var root = layout.Root;
var work = Directory.CreateTempSubdirectory("course-bench-").FullName;
var rows = new List<(string Figure, string Measured, string Target, double Ratio)>();
var course = Path.Combine(root, "grader/Course.Cli/bin/Release/net10.0/course.dll");
var manifest = layout.LoadManifest(Hw);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
Run(root, "dotnet", "build grader/Course.Cli -c Release");
if (args.Contains("--class"))
{
    // Only the class estimate: every homework's batch, a few minutes.
    ClassEstimate.Print(layout, work, Course);
    Directory.Delete(work, recursive: true);
    return 0;
}

// (a) One grade against `dotnet test`, both on the same exported student checkout holding the reference's files.
var student = Path.Combine(work, "student");
Course($"export {Hw} --out {student}");
CopyStudentFiles(manifest, Path.Combine(root, "reference", Hw, Project), Path.Combine(student, Project));
Run(student, "dotnet", "test");                             // warm: build once
Course($"grade {Hw} --submission {student}");               // warm: compile the trusted tests once
// Each the median of three runs, the two in turn (a single run on a shared machine is off by up to a third), the range beside it.
const int Runs = 3;
var (testRuns, gradeRuns) = (new List<double>(), new List<double>());
for (var i = 0; i < Runs; i++)
{
    File.SetLastWriteTimeUtc(Path.Combine(student, Project, "Attention.cs"), DateTime.UtcNow);
    testRuns.Add(Time(() => Run(student, "dotnet", "test")));
    gradeRuns.Add(Time(() => Course($"grade {Hw} --submission {student}")));
}
var (dotnetTest, grade) = (Spread(testRuns), Spread(gradeRuns));
rows.Add(("one grade: dotnet test / course grade", $"{Seconds(dotnetTest)} / {Seconds(grade)} = {dotnetTest.Median / grade.Median:0.0}x", ">= 4x",
    dotnetTest.Median / grade.Median / 4));
// The same grade with `course` as an instructor installs it (README.md): published for this runtime, so ReadyToRun.
var tool = Path.Combine(work, "tool");
Run(root, "dotnet", $"publish grader/Course.Cli -c Release -r {RuntimeInformation.RuntimeIdentifier} -o {tool}");
void Installed(string arguments) => Run(root, Path.Combine(tool, "course"), $"{arguments} --root {root}");
Installed($"grade {Hw} --submission {student}");            // warm, as above
var installedGrade = Spread(Enumerable.Range(0, Runs).Select(_ => Time(() => Installed($"grade {Hw} --submission {student}"))).ToList());
rows.Add(("one grade: dotnet test / published course grade", $"{Seconds(dotnetTest)} / {Seconds(installedGrade)} = {dotnetTest.Median / installedGrade.Median:0.0}x",
    ">= 4x", dotnetTest.Median / installedGrade.Median / 4));

static string Seconds((double Median, double Min, double Max) time) => $"{time.Median:0.0} s ({time.Min:0.0}-{time.Max:0.0})";

// (b) A batch of 8 (4 reference, 4 partial) with --jobs 2: CPU of the whole process tree minus the tests' own time.
var classDir = Path.Combine(work, "class");
for (var i = 0; i < 8; i++)
    CopyStudentFiles(manifest, i < 4 ? Path.Combine(root, "reference", Hw, Project) : Path.Combine(root, "assignments", Hw, "examples", "partial"),
        Path.Combine(classDir, $"student{i}", Project));
Batch("batch of 8, --jobs 2: CPU per submission above the tests", "gradebook.db", Course);
Batch("batch of 8 by the published course", "installed.db", Installed);

void Batch(string figure, string file, Action<string> course)
{
    var gradebook = Path.Combine(work, file);
    var cpuBefore = ChildrenCpuSeconds();
    var batch = Time(() => course($"batch {Hw} --dir {classDir} --jobs 2 --gradebook {gradebook}"));
    var cpu = ChildrenCpuSeconds() - cpuBefore;
    var testSeconds = Grades(gradebook).Sum(g => g.TestSeconds);
    var overhead = (cpu - testSeconds) / 8;
    rows.Add((figure, $"({cpu:0.0} s CPU - {testSeconds:0.0} s tests) / 8 = {overhead:0.00} s ({batch:0} s wall)", "<= 0.5 s", 0.5 / Math.Max(overhead, 0.001)));
}

// (c) A student push: the exported workflow's grade command in a fresh export (no bin/obj), then again.
var push = Path.Combine(work, "push");
Course($"export {Hw} --out {push}");
var workflowRun = Regex.Match(File.ReadAllText(Path.Combine(push, ".github/workflows/classroom.yml")), @"run: (dotnet run .*)").Groups[1].Value;
var first = Time(() => Run(push, "bash", $"-c \"{workflowRun}\""));
var later = Time(() => Run(push, "bash", $"-c \"{workflowRun}\""));
rows.Add(("student push: first run", $"{first:0.0} s", "<= 45 s", 45 / first));
rows.Add(("student push: later run", $"{later:0.0} s", "<= 20 s", 20 / later));

// (d) The suite, only when asked: it takes about 10 minutes. Its CPU time is the whole machine's (/proc/stat): the
// compiler server and the test hosts are not all processes this one waits for, so getrusage would miss part of it.
if (suite)
{
    var cpuBefore = MachineCpuSeconds();
    var wall = Time(() => { Run(root, "dotnet", "build Course.sln"); Run(root, "dotnet", "test Course.sln --no-build"); });
    var cpu = MachineCpuSeconds() - cpuBefore;
    rows.Add(("suite: dotnet build, then dotnet test --no-build", $"{wall / 60:0.0} min ({cpu:0} s CPU of the whole machine)", "<= 5 min", 5 * 60 / wall));
}

Console.WriteLine($"\n| figure | measured | target | target/measured (>= 1 met) |\n| --- | --- | --- | --- |");
foreach (var (figure, measured, target, ratio) in rows)
    Console.WriteLine($"| {figure} | {measured} | {target} | {ratio:0.00} {(ratio >= 1 ? "met" : "not met")} |");
Console.WriteLine("CPU is getrusage(RUSAGE_CHILDREN) user+sys of course batch and every process it waited for; the tests' time is the sum of the durations the gradebook's reports record.");
Directory.Delete(work, recursive: true);
return 0;

void Course(string arguments) => Run(root, "dotnet", $"{course} {arguments} --root {root}");

