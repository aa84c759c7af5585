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
    /// <summary>
    /// A tar.gz written byte by byte, as a tool other than .NET's may write one: a pax header holding
    /// <paramref name="pax"/>'s records, which .NET's writer would check, then the regular file <paramref name="name"/>.
    /// </summary>
    public static string RawPaxTarGz(string path, string name, string text, IReadOnlyDictionary<string, string> pax)
    {
        var tar = new MemoryStream();
        var records = System.Text.Encoding.UTF8.GetBytes(string.Concat(pax.Select(p => PaxRecord(p.Key, p.Value))));
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        WriteTarBlock(tar, "PaxHeader/" + name, 'x', records);
        WriteTarBlock(tar, name, '0', data);
        tar.Write(new byte[1024]); // the two empty blocks that end an archive
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(tar.ToArray());
        return path;
    }

    /// <summary>"26 mtime=99999999999999.5\n": a pax record starts with its own length in bytes, that number included.</summary>
    static string PaxRecord(string key, string value)
    {
        var body = $" {key}={value}\n";
        var length = body.Length + 1;
        while (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + body.Length != length) length++;
        return length.ToString(System.Globalization.CultureInfo.InvariantCulture) + body;
    }

    /// <summary>A ustar header (octal fields, the checksum over the header with its own field as spaces), then the data padded to 512.</summary>
    static void WriteTarBlock(Stream tar, string name, char type, byte[] data)
    {
        var header = new byte[512];
        void Put(int at, string field) => System.Text.Encoding.ASCII.GetBytes(field).CopyTo(header, at);
        Put(0, name);
        Put(100, "0000644");
        Put(108, "0000000");
        Put(116, "0000000");
        Put(124, Convert.ToString(data.Length, 8).PadLeft(11, '0'));
        Put(136, "00000000000");
        header[156] = (byte)type;
        Put(257, "ustar");
        Put(263, "00");
        Put(148, "        ");
        Put(148, Convert.ToString(header.Sum(b => b), 8).PadLeft(6, '0'));
        header[154] = 0;
        tar.Write(header);
        tar.Write(data);
        tar.Write(new byte[(512 - data.Length % 512) % 512]);
    }
}

