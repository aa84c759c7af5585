namespace Course.GitHub.Batch;

/// <summary>
/// One student's (or group's) acceptance of a GitHub Classroom assignment, from
/// <c>GET /assignments/{assignment_id}/accepted_assignments</c>, shaped for Octokit's JSON reader.
/// </summary>
public sealed class AcceptedAssignment
{
    public long Id { get; set; }
    public bool Submitted { get; set; }
    public bool Passing { get; set; }
    public int CommitCount { get; set; }
    public string? Grade { get; set; }
    public List<ClassroomStudent> Students { get; set; } = [];
    public ClassroomRepository? Repository { get; set; }
    public ClassroomAssignment? Assignment { get; set; }
}

public sealed class ClassroomStudent
{
    public long Id { get; set; }
    public string Login { get; set; } = "";
}

public sealed class ClassroomRepository
{
    public long Id { get; set; }
    public string FullName { get; set; } = "";
    public string? DefaultBranch { get; set; }
}

public sealed class ClassroomAssignment
{
    public long Id { get; set; }
    public string Title { get; set; } = "";
    public string? Slug { get; set; }
    public DateTimeOffset? Deadline { get; set; }
}
