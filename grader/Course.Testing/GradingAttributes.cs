using NUnit.Framework;

namespace Course.Testing;

/// <summary>
/// Points a test is worth. On a parameterised test the points are split evenly over its cases,
/// which gives partial credit. The assignment manifest may override the value.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PointsAttribute : PropertyAttribute
{
    public const string PropertyName = "Points";

    public PointsAttribute(double points) : base(PropertyName, points)
    {
        if (points < 0 || double.IsNaN(points) || double.IsInfinity(points))
            throw new ArgumentOutOfRangeException(nameof(points), points, "points must be a finite number >= 0");
        Points = points;
    }

    public double Points { get; }
}

/// <summary>Who sees a test's result, with the names Gradescope uses.</summary>
public enum Visibility
{
    /// <summary>Shown to the student at once.</summary>
    Visible,
    /// <summary>Counted in the score; the student sees only how many hidden tests passed.</summary>
    Hidden,
    /// <summary>Shown to the student once the due date has passed.</summary>
    AfterDueDate,
}

/// <summary>Visibility of a test or of every test in a fixture. Tests without it are visible.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Assembly, AllowMultiple = false, Inherited = true)]
public sealed class VisibilityAttribute : PropertyAttribute
{
    public const string PropertyName = "Visibility";

    public VisibilityAttribute(Visibility visibility) : base(PropertyName, ToName(visibility)) => Visibility = visibility;

    public Visibility Visibility { get; }

    /// <summary>The wire name: visible, hidden or after_due_date.</summary>
    public static string ToName(Visibility visibility) => visibility switch
    {
        Visibility.Visible => "visible",
        Visibility.Hidden => "hidden",
        Visibility.AfterDueDate => "after_due_date",
        _ => throw new ArgumentOutOfRangeException(nameof(visibility), visibility, null),
    };

    public static Visibility Parse(string name) => name switch
    {
        "visible" => Visibility.Visible,
        "hidden" => Visibility.Hidden,
        "after_due_date" => Visibility.AfterDueDate,
        _ => throw new FormatException($"unknown visibility '{name}': use visible, hidden or after_due_date"),
    };
}
