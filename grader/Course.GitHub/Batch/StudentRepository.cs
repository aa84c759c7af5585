namespace Course.GitHub.Batch;

/// <summary>A student's repository and the branch whose history decides what is graded.</summary>
internal sealed record StudentRepository(string Student, string Owner, string Name, string Branch)
{
    public string FullName => $"{Owner}/{Name}";
}
