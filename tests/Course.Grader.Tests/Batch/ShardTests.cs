using Course.Gradebook;
using Course.Grader.Batch;
using Course.Grader.Tests.Cli;
using Course.Grader.Tests.Pipeline;

namespace Course.Grader.Tests.Batch;

/// <summary>
/// <c>course batch --shard k/N</c>: N shards partition any roster, and a student's shard depends on their login alone,
/// so runners that list the class at different moments still grade each student once. The batches here grade nobody
/// (every listed student has a problem, which is recorded without grading), so they are cheap.
/// </summary>
public class ShardTests
{
    /// <summary>Logins as GitHub and LMS downloads have them: mixed case, digits, dashes, accents, and a few near-twins.</summary>
    static IReadOnlyList<string> Roster(int count, int seed)
    {
        var random = new Random(seed);
        const string letters = "abcdefghijklmnopqrstuvwxyz0123456789-";
        var logins = new HashSet<string>(StringComparer.Ordinal) { "alice", "alice1", "Bob", "bob-2", "zoë", "Łukasz", "x" };
        while (logins.Count < count)
            logins.Add(new string([.. Enumerable.Range(0, random.Next(2, 16)).Select(i => i == 0 ? (char)('a' + random.Next(26)) : letters[random.Next(letters.Length)])]));
        return [.. logins.Take(count)];
    }

    [TestCase("1/1", 1, 1)]
    [TestCase("2/10", 2, 10)]
    [TestCase("10/10", 10, 10)]
    [TestCase("256/256", 256, 256)]
    public void Given_k_of_N_with_1_le_k_le_N_When_parsed_Then_it_is_that_shard(string text, int index, int count)
    {
        Assert.That(Shard.Parse(text, out var problem), Is.EqualTo(new Shard(index, count)));
        Assert.That(problem, Is.Null);
        Assert.That(new Shard(index, count).ToString(), Is.EqualTo(text));
    }

    [TestCase("0/3")]
    [TestCase("4/3")]
    [TestCase("1/0")]
    [TestCase("0/0")]
    [TestCase("-1/3")]
    [TestCase("+1/3")]
    [TestCase("1/3/5")]
    [TestCase("3")]
    [TestCase("a/b")]
    [TestCase(" 1/3")]
    [TestCase("1/99999999999")]
    [TestCase("")]
    public void Given_a_value_that_is_not_k_of_N_When_parsed_Then_the_problem_states_the_usage(string text)
    {
        Assert.That(Shard.Parse(text, out var problem), Is.Null);
        Assert.That(problem, Does.StartWith(Shard.Usage).And.EndWith($"not '{text}'"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(10)]
    [TestCase(20)]
    public void Given_any_roster_When_split_into_N_shards_Then_every_student_is_in_exactly_one(int count)
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var roster = Roster(300, seed);
            var shares = Enumerable.Range(1, count).Select(k => roster.Where(new Shard(k, count).Contains).ToList()).ToList();

            Assert.That(shares.SelectMany(s => s), Is.EquivalentTo(roster), $"N = {count}, seed {seed}: the shares cover the roster, each student once");
            Assert.That(roster.Select(s => Shard.Of(s, count)), Has.All.InRange(1, count));
        }
    }

    [Test]
    public void Given_500_students_and_10_shards_Then_no_shard_gets_more_than_half_again_its_even_share()
    {
        var roster = Roster(500, 4);

        var sizes = Enumerable.Range(1, 10).Select(k => roster.Count(new Shard(k, 10).Contains)).ToList();

        Assert.That(sizes, Has.All.InRange(25, 75), string.Join(", ", sizes));
    }

    [Test]
    public void Given_a_login_Then_its_shard_is_fixed_by_SHA_256_and_its_case_does_not_matter()
    {
        // Pinned: runners of one workflow must agree, whatever machine or .NET version each has. Changing these
        // values means changing the function, which would split a class differently across grader versions.
        Assert.That(new[] { "alice", "bob", "carol", "dave" }.Select(s => Shard.Of(s, 10)), Is.EqualTo(new[] { 8, 1, 3, 2 }),
            "1 + the first 8 bytes of SHA-256(login), big-endian, mod 10 (as Python's int.from_bytes(sha256(b'alice').digest()[:8], 'big') % 10 + 1 gives)");
        Assert.That(Shard.Of("Alice", 10), Is.EqualTo(Shard.Of("alice", 10)));
        Assert.That(Shard.Of("alice", 1), Is.EqualTo(1));
    }

    [Test]
    public async Task Given_N_shard_batches_Then_their_gradebooks_hold_every_student_once_each_row_naming_its_shard()
    {
        using var temp = new TempFolder("course-shard-");
        var roster = Roster(40, 5);
        const int count = 3;
        var rows = new List<GradebookEntry>();

        for (var k = 1; k <= count; k++)
        {
            using var gradebook = SqliteGradebook.Open(temp[$"shard-{k}.db"]);
            var result = await BatchRunner.RunAsync(Request(new RosterSource(roster), new Shard(k, count)), gradebook);
            Assert.That(result.Shard, Is.EqualTo(new Shard(k, count)));
            rows.AddRange(gradebook.History(Hw3Submissions.Assignment));
        }

        Assert.That(rows.Select(r => r.Student), Is.EquivalentTo(roster), "every student once, over all the shards");
        foreach (var row in rows) Assert.That(row.Shard, Is.EqualTo($"{Shard.Of(row.Student, count)}/{count}"), row.Student);
    }

    [Test]
    public async Task Given_rosters_listed_in_another_order_or_with_students_added_and_gone_Then_a_shard_grades_the_same_students_of_those_it_shares()
    {
        var roster = Roster(60, 6);
        var shard = new Shard(2, 4);
        var reordered = roster.Reverse().ToList();
        var changed = roster.Where((_, i) => i % 5 != 0).Concat(Roster(80, 7).Except(roster).Take(20)).Order(StringComparer.Ordinal).ToList();

        var share = await ShareOf(roster, shard);
        var shareReordered = await ShareOf(reordered, shard);
        var shareChanged = await ShareOf(changed, shard);

        Assert.That(share, Is.Not.Empty);
        Assert.That(shareReordered, Is.EquivalentTo(share), "the order of the listing does not matter");
        Assert.That(shareChanged.Intersect(roster), Is.EquivalentTo(share.Intersect(changed)), "students added or gone move nobody else");
        Assert.That(shareChanged.Except(roster), Is.EquivalentTo(changed.Except(roster).Where(shard.Contains)));
    }

    /// <summary>
    /// A listing that names a student twice (an API's pages shifted while they were read) had them graded twice at once:
    /// two rows, the last to finish being the grade, and the first to finish forgetting both gradings in flight.
    /// </summary>
    [Test]
    public async Task Given_a_listing_that_names_students_twice_When_batched_Then_each_is_graded_once_and_different_submissions_are_a_problem()
    {
        using var temp = new TempFolder("course-duplicates-");
        using var gradebook = SqliteGradebook.Open(temp["gradebook.db"]);
        StudentSubmission Entry(string student, string repository) =>
            new(student, repository, null, null, SubmissionTimeSource.None, false, 0, "no commit yet");
        var source = new ListedSource([Entry("alice", "course/hw3-alice"), Entry("bob", "course/hw3-bob"), Entry("alice", "course/hw3-alice"),
            Entry("bob", "course/hw3-bob-1")]);

        var result = await BatchRunner.RunAsync(Request(source, new Shard(1, 1)), gradebook);

        var rows = gradebook.History(Hw3Submissions.Assignment);
        Assert.That(rows.Select(r => r.Student), Is.EquivalentTo(new[] { "alice", "bob" }), "one row each");
        Assert.That(rows.Single(r => r.Student == "alice").Message, Is.EqualTo("no commit yet"), "the same entry twice is one");
        Assert.That(rows.Single(r => r.Student == "bob").Message,
            Is.EqualTo("listed more than once, with different submissions (course/hw3-bob, course/hw3-bob-1): none of them was graded"));
        Assert.That(result.Outcomes, Has.Count.EqualTo(2));
    }

    sealed class ListedSource(IReadOnlyList<StudentSubmission> listed) : ISubmissionSource
    {
        public Task<IReadOnlyList<StudentSubmission>> ListAsync(DeadlinePolicy deadline, CancellationToken cancellationToken) => Task.FromResult(listed);

        public Task<string> FetchAsync(StudentSubmission submission, string scratch, CancellationToken cancellationToken) =>
            throw new AssertionException("a student with a problem is never fetched");
    }

    [Test]
    public void Given_a_shard_When_batched_from_the_command_line_Then_the_progress_and_summary_name_it()
    {
        using var temp = new TempFolder("course-shard-cli-");
        var roster = new[] { "alice", "bob", "carol", "dave", "erin", "frank" };
        foreach (var student in roster)
        {
            Directory.CreateDirectory(temp[$"class/{student}"]); // a folder and an archive: "more than one submission", recorded ungraded
            File.WriteAllText(temp[$"class/{student}.zip"], "");
        }
        var share = roster.Where(new Shard(2, 3).Contains).ToList();

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp["class"], "--gradebook", temp["shard-2.db"], "--shard", "2/3", "--public-only");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain($"shard 2/3: {share.Count} of {roster.Length} submission(s) to grade or skip\n"));
        Assert.That(output, Does.Contain($"batch shard 2/3: {share.Count} student(s), {share.Count} graded, 0 already graded, 0 grader error(s)"));
        using var gradebook = SqliteGradebook.Open(temp["shard-2.db"]);
        var rows = gradebook.History(Hw3Submissions.Assignment);
        Assert.That(rows.Select(r => r.Student), Is.EquivalentTo(share));
        Assert.That(rows.Select(r => r.Shard), Has.All.EqualTo("2/3"));
    }

    [TestCase("0/3")]
    [TestCase("4/3")]
    [TestCase("1/0")]
    [TestCase("two/3")]
    public void Given_a_bad_shard_When_batched_from_the_command_line_Then_it_is_a_usage_error_with_exit_code_2(string shard)
    {
        using var temp = new TempFolder("course-shard-cli-");
        Directory.CreateDirectory(temp["class"]);

        var (exitCode, output) = CourseCli.Run("batch", Hw3Submissions.Assignment, "--dir", temp["class"], "--gradebook", temp["g.db"], "--shard", shard);

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("--shard takes k/N").And.Contain($"not '{shard}'"));
        Assert.That(File.Exists(temp["g.db"]), Is.False, "nothing is graded");
    }

    static BatchRequest Request(ISubmissionSource source, Shard shard) =>
        new(Hw3Submissions.Assignment, Hw3Submissions.Layout, source, DeadlinePolicy.None, Jobs: 2, IncludeHidden: false,
            Clock: () => Hw3Submissions.GradedAt, Shard: shard);

    static async Task<IReadOnlyList<string>> ShareOf(IReadOnlyList<string> roster, Shard shard)
    {
        var gradebook = new MemoryGradebook();
        var result = await BatchRunner.RunAsync(Request(new RosterSource(roster), shard), gradebook);
        return [.. result.Outcomes.Select(o => o.Submission.Student)];
    }

    sealed class MemoryGradebook : IGradebook
    {
        readonly List<GradebookEntry> rows = [];

        public GradebookEntry? FindGrade(string assignment, string student, string submissionKey, string testSuiteHash) => null;

        public GradebookEntry? LatestGrade(string assignment, string student, long upToRow = long.MaxValue) => null;

        public GradebookEntry? LatestRowAfter(string assignment, string student, long afterRow) => null;

        public long LastRow() => rows.Count;

        public void Started(InFlightGrading grading) { }

        public void Finished(string assignment, string student) { }

        public IReadOnlyList<InFlightGrading> Unfinished(string assignment) => [];

        public IDisposable HoldForBatch(string assignment) => new MemoryStream();

        public GradebookEntry Record(GradebookEntry entry)
        {
            lock (rows)
            {
                rows.Add(entry);
                return entry with { Id = rows.Count };
            }
        }
    }
}
