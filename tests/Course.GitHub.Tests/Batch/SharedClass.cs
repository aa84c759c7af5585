namespace Course.GitHub.Tests.Batch;

/// <summary>The class of 2025 is made once for every batch test (it takes seconds); tests only read it, or arm failures they clear.</summary>
[SetUpFixture]
public sealed class SharedClass
{
    static ClassOf2025? course;

    public static ClassOf2025 Course => course ??= new ClassOf2025();

    [OneTimeTearDown]
    public void DeleteClass() => course?.Dispose();
}
