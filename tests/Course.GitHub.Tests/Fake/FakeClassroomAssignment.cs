namespace Course.GitHub.Tests.Fake;

/// <summary>A GitHub Classroom assignment on the fake server, and who accepted it with which repository.</summary>
public sealed class FakeClassroomAssignment(long id, string title, string slug, DateTimeOffset? deadline)
{
    public long Id { get; } = id;
    public string Title { get; } = title;
    public string Slug { get; } = slug;
    public DateTimeOffset? Deadline { get; } = deadline;
    public List<Acceptance> Accepted { get; } = [];

    public sealed record Acceptance(long Id, IReadOnlyList<string> Students, FakeRepository? Repository, bool Submitted, int CommitCount);
}
