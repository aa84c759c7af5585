using Course.Grader.Manifest;
using Spectre.Console;

namespace Course.Grade;

/// <summary>Finding the course repo and checking an assignment id, shared by the commands that take one.</summary>
internal static class CommandLayout
{
    public static ValidationResult ValidateAssignment(string? root, string assignment, out CourseLayout? layout)
    {
        layout = null;
        if (root is not null && !Directory.Exists(root))
            return ValidationResult.Error($"--root: no folder {root}");
        try
        {
            layout = CourseLayout.FindFrom(root ?? Directory.GetCurrentDirectory());
        }
        catch (DirectoryNotFoundException e)
        {
            return ValidationResult.Error(e.Message + "; run from the course repo or pass --root");
        }
        var known = layout.AssignmentIds();
        return known.Contains(assignment)
            ? ValidationResult.Success()
            : ValidationResult.Error($"unknown assignment '{assignment}'; the assignments are: {(known.Count > 0 ? string.Join(", ", known) : "(none)")}");
    }
}
