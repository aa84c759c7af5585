using Course.Grader.Batch;
using Course.Grader.Workspace;
using Octokit;

namespace Course.GitHub.Batch;

/// <summary>
/// Downloads the tarball of a submission's commit and unpacks it safely into scratch. A damaged archive or a commit
/// that is gone is the student's problem (<see cref="SubmissionException"/>); failing to reach GitHub is the grader's.
/// </summary>
internal static class TarballFetch
{
    public static async Task<string> FetchAsync(GitHubApi api, StudentSubmission submission, string scratch, CancellationToken cancellationToken)
    {
        if (submission.Commit is not { } commit)
            throw new SubmissionException(submission.Problem ?? $"{submission.Repository} has no commit to grade");
        if (Publish.PublishTarget.SplitRepository(submission.Repository) is not var (owner, name))
            throw new SubmissionException($"'{submission.Repository}' is not an owner/name repository");
        byte[] tarball;
        try
        {
            tarball = await api.CallAsync($"downloading {submission.Repository}@{commit} as a tarball",
                c => c.Repository.Content.GetArchive(owner, name, ArchiveFormat.Tarball, commit), cancellationToken);
        }
        catch (GitHubFailure e) when (e.Kind == GitHubFailureKind.NotFound)
        {
            throw new SubmissionException($"commit {commit} could not be downloaded from {submission.Repository}: it is not there any more");
        }
        catch (GitHubFailure e) when (TooLarge(e) is { } tooLarge)
        {
            throw new SubmissionException($"the tarball of {submission.Repository}@{commit[..Math.Min(12, commit.Length)]} is larger than " +
                $"{ResponseTooLargeException.Size(tooLarge.MaxBytes)}, far more than a submission holds: keep data sets, models and builds out of the repository");
        }
        // Named by the grader, never by the student: an org's student is a repository's name less the prefix, so a
        // repository named hw3-attention-.. made scratch/.. the folder that was emptied first and unpacked into.
        var folder = Path.Combine(scratch, UnpackedFolder);
        var archive = Path.Combine(scratch, UnpackedFolder + ".tar.gz");
        Directory.CreateDirectory(scratch);
        await File.WriteAllBytesAsync(archive, tarball ?? [], cancellationToken);
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.CreateDirectory(folder);
            SafeExtraction.ExtractTarGz(archive, folder, ExtractionLimits.Default);
            return folder;
        }
        catch (SubmissionException e)
        {
            throw new SubmissionException($"the tarball of {submission.Repository}@{commit[..Math.Min(12, commit.Length)]} is unusable: {e.Message}");
        }
        finally
        {
            File.Delete(archive);
        }
    }

    static ResponseTooLargeException? TooLarge(Exception? e) =>
        e is null ? null : e as ResponseTooLargeException ?? TooLarge(e.InnerException);

    /// <summary>The folder, inside the submission's own scratch, that the tarball is unpacked into.</summary>
    internal const string UnpackedFolder = "submission";
}
