namespace Course.Grader.Manifest;

/// <summary>The checks of a manifest that need the repo: the folders it names and the student files exist.</summary>
internal static class ManifestRepoCheck
{
    public static List<string> Problems(AssignmentManifest manifest, CourseLayout layout)
    {
        var problems = new List<string>();
        var reference = layout.ReferenceDir(manifest.Id);
        var project = Path.Combine(reference, manifest.Project);
        RequireFolder(project, "project", problems);
        RequireFolder(Path.Combine(reference, manifest.PublicTests), "public_tests", problems);
        RequireFolder(Path.Combine(layout.AssignmentDir(manifest.Id), manifest.HiddenTests), "hidden_tests", problems);
        if (Directory.Exists(project))
        {
            foreach (var file in manifest.StudentFiles.Where(f => !File.Exists(Path.Combine(project, f))))
                problems.Add($"student file '{file}' does not exist in {Path.GetRelativePath(layout.Root, project)}");
        }
        return problems;
    }

    private static void RequireFolder(string folder, string key, List<string> problems)
    {
        if (!Directory.Exists(folder))
            problems.Add($"'{key}' names a folder that does not exist: {folder}");
    }
}
