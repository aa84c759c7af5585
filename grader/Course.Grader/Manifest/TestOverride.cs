namespace Course.Grader.Manifest;

/// <summary>Who sees a test's result; the names are Gradescope's.</summary>
public enum TestVisibility
{
    Visible,
    Hidden,
    AfterDueDate,
}

/// <summary>The manifest's override of one test's <c>[Points]</c> and visibility; null keeps the test's own value.</summary>
public sealed record TestOverride(double? Points, TestVisibility? Visibility);
