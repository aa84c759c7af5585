using System.Diagnostics;
using Course.Grader.Scratch;

namespace Course.Grader.Export;

/// <summary>
/// Which files of a template its own <c>.gitignore</c> files keep out of git: such a file is exported but never
/// reaches a student's repository or their pushes. Asked of git itself (<c>git check-ignore</c>), in a scratch
/// repository that holds only the template's ignore files, with no user or system git configuration.
/// </summary>
internal static class TemplateIgnores
{
    /// <returns>Each ignored file's path, with the rule that ignores it (<c>.gitignore:3:TestResults/</c>).</returns>
    /// <exception cref="InvalidOperationException">git could not be run.</exception>
    public static IReadOnlyList<(string Path, string Rule)> Ignored(IReadOnlyList<TemplateFile> plan)
    {
        var scratch = ScratchFolder.Create("course-ignores-");
        try
        {
            foreach (var file in plan.Where(f => Path.GetFileName(f.Path) == ".gitignore"))
            {
                var path = Path.Combine(scratch.Path, file.Path.Replace('/', Path.DirectorySeparatorChar));
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, file.Content);
            }
            Git(scratch.Path, "", "init", "--quiet");
            var output = Git(scratch.Path, string.Join('\n', plan.Select(f => f.Path)) + "\n", "check-ignore", "--no-index", "--verbose", "--stdin");
            // --verbose also prints paths that match a negated rule (!pattern), which are kept, not ignored.
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split('\t', 2))
                .Where(parts => parts.Length == 2 && !parts[0].Split(':', 3).Last().StartsWith('!'))
                .Select(parts => (parts[1], parts[0]))
                .ToList();
        }
        finally
        {
            scratch.Delete();
        }
    }

    /// <summary>Runs git with no configuration but its own; exit code 1 of check-ignore means "nothing ignored".</summary>
    static string Git(string folder, string input, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = Path.Combine(folder, ".no-global-config");
        start.Environment["HOME"] = folder;
        start.Environment["XDG_CONFIG_HOME"] = folder;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"git could not be started ({e.Message}); install git", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input);
            process.StandardInput.Close();
            process.WaitForExit();
            if (process.ExitCode is not (0 or 1))
                throw new InvalidOperationException($"git {args[0]} failed: {stderr.Result.Trim()}");
            return stdout.Result;
        }
    }
}
