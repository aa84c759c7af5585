using Course.Grader.Analyze;
using Course.Grader.Compile;
using Course.Grader.Tests.Compile;

namespace Course.Grader.Tests.Analyze;

/// <summary>
/// Homework code may construct, throw and catch exceptions and read their Message, InnerException and ParamName, and
/// nothing else of them (<see cref="OpaqueExceptions"/>): an exception a test caught names the test in its stack trace,
/// which also comes out of the exception as text.
/// </summary>
public class OpaqueExceptionsTests
{
    static IReadOnlyList<AnalysisFinding> Violations(string body)
    {
        var source = $$"""
            using System;
            using System.Collections.Generic;
            using System.Linq;

            namespace Tiny.Homework;

            public sealed class HomeworkError(string message) : InvalidOperationException(message);

            public static class Errors
            {
                public static object? Use(Exception caught)
                {
                    {{body}}
                }
            }
            """;
        var compiled = CompileStage.Compile(new CompileRequest(
            new AssemblySources(TinyHomework.HomeworkName, [new SourceFile("Errors.cs", source)], []), [], TinyHomework.Worker.Value.LibraryAssemblies));
        Assert.That(compiled.Homework.Success, Is.True, () => string.Join("\n", compiled.Homework.Errors));
        return [.. AnalyzeStage.Analyze(compiled.Homework.Compilation, SandboxPolicy.For([]), []).Violations];
    }

    [TestCase("return caught.StackTrace;", "System.Exception.StackTrace")]
    [TestCase("return caught.ToString();", "System.Exception.ToString()")]
    [TestCase("return caught.Data;", "System.Exception.Data")]
    [TestCase("return caught.GetBaseException().Message;", "System.Exception.GetBaseException()")]
    [TestCase("return new HomeworkError(\"x\").Source;", "System.Exception.Source")]
    [TestCase("return caught;", "an exception as object")]
    [TestCase("return $\"failed: {caught}\";", "an exception as text in an interpolated string")]
    [TestCase("return \"failed: \" + caught;", "an exception as object")]
    [TestCase("Console.WriteLine(caught); return null;", "an exception as object")]
    [TestCase("return new List<Exception> { caught };", "an exception as the type argument of System.Collections.Generic.List<System.Exception> (Exception)")]
    [TestCase("return string.Join(\",\", new[] { caught });", "an exception as System.ReadOnlySpan<object?>")]
    [TestCase("return string.Join(\",\", new List<Exception>().AsEnumerable());", "an exception as the type argument of Join<System.Exception>")]
    public void Given_code_that_reads_an_exception_beyond_its_message_When_analyzed_Then_it_is_refused(string body, string api)
    {
        var violations = Violations(body);

        Assert.That(violations.Select(v => v.Api), Has.Some.EqualTo(api), string.Join("\n", violations.Select(v => $"{v.Api}: {v.Message}")));
        Assert.That(violations.First(v => v.Api == api).Message, Is.EqualTo(OpaqueExceptions.Message));
    }

    [TestCase("throw new ArgumentException(\"bad shape\", nameof(caught));")]
    [TestCase("ArgumentOutOfRangeException.ThrowIfNegative(3); ArgumentNullException.ThrowIfNull(caught); return null;")]
    [TestCase("try { throw new HomeworkError(\"x\"); } catch (InvalidOperationException e) when (e.Message.Length > 0) { return e.Message + e.InnerException?.Message; }")]
    [TestCase("try { return null; } catch (ArgumentException e) { throw new InvalidOperationException(e.ParamName, e); }")]
    [TestCase("try { return null; } catch { throw; }")]
    [TestCase("return caught is ArgumentException ? caught.Message : null;")]
    public void Given_code_that_throws_catches_and_reads_messages_When_analyzed_Then_nothing_is_refused(string body) =>
        Assert.That(Violations(body), Is.Empty);
}
