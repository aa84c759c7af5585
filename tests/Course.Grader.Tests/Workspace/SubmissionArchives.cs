using System.Formats.Tar;
using System.IO.Compression;

namespace Course.Grader.Tests.Workspace;

/// <summary>Writes the zip and tar.gz archives a student might upload, good and bad, entry by entry.</summary>
static class SubmissionArchives
{
    /// <summary>One entry: a file's text, or with <paramref name="LinkTarget"/> a symbolic link.</summary>
    public sealed record Entry(string Name, string Text = "", string? LinkTarget = null);

    /// <summary>The .cs files of <paramref name="folder"/> as entries under <paramref name="prefix"/> ("" or "repo/Project/").</summary>
    public static IEnumerable<Entry> FilesOf(string folder, string prefix = "") =>
        Directory.EnumerateFiles(folder, "*.cs").Order(StringComparer.Ordinal)
            .Select(f => new Entry(prefix + Path.GetFileName(f), File.ReadAllText(f)));

    public static string Zip(string path, IEnumerable<Entry> entries)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in entries)
        {
            var zipEntry = zip.CreateEntry(entry.Name);
            if (entry.LinkTarget is not null)
                zipEntry.ExternalAttributes = (0xA000 | 0x1FF) << 16; // S_IFLNK | 0777, as Info-ZIP stores a link
            using var writer = new StreamWriter(zipEntry.Open());
            writer.Write(entry.LinkTarget ?? entry.Text);
        }
        return path;
    }

    /// <summary>A gzipped pax tar, with a global header as GitHub's tarballs have.</summary>
    public static string TarGz(string path, IEnumerable<Entry> entries)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "0123456789abcdef0123456789abcdef01234567" }));
        foreach (var entry in entries)
        {
            if (entry.LinkTarget is not null)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, entry.Name) { LinkName = entry.LinkTarget });
                continue;
            }
            var data = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(entry.Text));
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = data });
        }
        return path;
    }
}
