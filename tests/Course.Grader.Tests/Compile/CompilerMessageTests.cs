using Course.Grader.Compile;

namespace Course.Grader.Tests.Compile;

/// <summary>
/// A compiler message never writes out a type too large to read (<see cref="CompilerMessage"/>): Roslyn's own message for a
/// type error on generic calls nested 5 deep was 150 million characters long.
/// </summary>
public class CompilerMessageTests
{
    const string Tests = """
        using NUnit.Framework;
        namespace Tiny.Homework.Tests;
        public class ModelTests
        {
            [Test]
            public void Runs() => Assert.That(Tiny.Homework.Model.Go(), Is.EqualTo(0));
        }
        """;

    static string Homework(string body) => $$"""
        namespace Tiny.Homework;
        public static class Model
        {
            static System.Func<T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T>? F<T>(T t) => null;
            public static int Go()
            {
                {{body}}
            }
        }
        """;

    [Test]
    public void Given_a_type_error_on_a_type_of_thousands_of_parts_When_compiled_Then_the_message_says_so_instead_of_writing_it_out()
    {
        // F(F(F(0))) has 17^3 = 4,913 parts; Roslyn's message would write out each of them.
        var compiled = TinyHomework.Compile(Homework("int x = F(F(F(0))); return x;"), Tests);

        var error = compiled.Homework.Errors.Single();
        Assert.That((error.Id, error.Line, error.Message), Is.EqualTo(("CS0029", 7, CompilerMessage.TooLarge)));
    }

    [Test]
    public void Given_an_error_beside_a_small_type_When_compiled_Then_the_message_is_the_compilers()
    {
        var compiled = TinyHomework.Compile(Homework("int x = F(0); return x;"), Tests);

        Assert.That(compiled.Homework.Errors.Single().Message,
            Is.EqualTo("Cannot implicitly convert type 'System.Func<int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int, int>' to 'int'"));
    }

    [Test]
    public void Given_an_error_in_another_statement_than_the_large_type_When_compiled_Then_its_message_is_the_compilers()
    {
        var compiled = TinyHomework.Compile(Homework("var big = F(F(F(0))); string s = 1; return big is null ? 0 : 1;"), Tests);

        Assert.That(compiled.Homework.Errors.Single().Message, Is.EqualTo("Cannot implicitly convert type 'int' to 'string'"));
    }
}
