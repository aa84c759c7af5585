namespace Course.Grader.Compile;

/// <summary>An emitted assembly and its portable PDB (so stack traces name the student's file and line).</summary>
public sealed record CompiledAssembly(string Name, byte[] Image, byte[] Symbols)
{
    public string FileName => Name + ".dll";

    /// <summary>Writes NAME.dll and NAME.pdb into <paramref name="directory"/> and returns the dll's path.</summary>
    public string WriteTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        File.WriteAllBytes(path, Image);
        File.WriteAllBytes(Path.ChangeExtension(path, ".pdb"), Symbols);
        return path;
    }
}
