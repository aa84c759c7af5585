using Course.Grader.Manifest;
using Spectre.Console;

namespace Course.Grade;

/// <summary>Finding the course repo and checking an assignment id, shared by the commands that take one.</summary>
internal static class CommandLayout
{
    public static ValidationResult ValidateAssignment(string? root, string assignment, out CourseLayout? layout) =>
        ValidateAssignments(root, [assignment], out layout);

    /// <summary>Finds the course repo once and checks that each of <paramref name="assignments"/> is one of its homeworks.</summary>
    public static ValidationResult ValidateAssignments(string? root, IReadOnlyList<string> assignments, out CourseLayout? layout)
    {
        if (FindLayout(root, out layout) is { Successful: false } missing) return missing;
        var known = layout!.AssignmentIds();
        return assignments.FirstOrDefault(a => !known.Contains(a)) is { } unknown
            ? ValidationResult.Error($"unknown assignment '{unknown}'; the assignments are: {(known.Count > 0 ? string.Join(", ", known) : "(none)")}")
            : ValidationResult.Success();
    }

    /// <summary>The course repo at <paramref name="root"/>, or else the nearest one upwards of the current folder.</summary>
    static ValidationResult FindLayout(string? root, out CourseLayout? layout)
    {
        layout = null;
        if (root is not null && !Directory.Exists(root))
            return ValidationResult.Error($"--root: no folder {root}");
        try
        {
            layout = CourseLayout.FindFrom(root ?? Directory.GetCurrentDirectory());
            return ValidationResult.Success();
        }
        catch (DirectoryNotFoundException e)
        {
            return ValidationResult.Error(e.Message + "; run from the course repo or pass --root");
        }
    }
}
