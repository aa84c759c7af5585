namespace Course.Grader.Workspace;

/// <summary>A submission unpacked into a local folder.</summary>
/// <param name="Commit">The graded commit, for git submissions (and folders that are git work trees).</param>
/// <param name="Notes">Things skipped on the way (links, odd entries), to tell the student.</param>
public sealed record SubmissionFiles(string Root, string? Commit, IReadOnlyList<string> Notes)
{
    /// <summary>Copies, unpacks or checks out <paramref name="submission"/> under <paramref name="scratch"/>.</summary>
    public static SubmissionFiles Materialize(Submission submission, string scratch, ExtractionLimits? limits = null)
    {
        limits ??= ExtractionLimits.Default;
        var root = Path.Combine(scratch, "submission");
        switch (submission.Kind)
        {
            case SubmissionKind.Folder:
                return new SubmissionFiles(submission.Location, GitCheckout.HeadOf(submission.Location), []);
            case SubmissionKind.Git:
                var (commit, notes) = GitCheckout.Checkout(submission.Location, submission.Ref, root, limits);
                return new SubmissionFiles(root, commit, notes);
            case SubmissionKind.Zip:
                Directory.CreateDirectory(root);
                return new SubmissionFiles(root, null, SafeExtraction.ExtractZip(submission.Location, root, limits));
            case SubmissionKind.TarGz:
                Directory.CreateDirectory(root);
                return new SubmissionFiles(root, null, SafeExtraction.ExtractTarGz(submission.Location, root, limits));
            default:
                throw new ArgumentOutOfRangeException(nameof(submission), submission.Kind, null);
        }
    }
}
