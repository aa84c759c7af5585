using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Course.Grader.Workspace;

/// <summary>
/// The committer date of a commit in a folder's <c>.git</c>, read from the object files themselves (a loose object, or a
/// whole object in a pack found through its version-2 index), never by running git in a folder a student controls. Every
/// file is read as a regular file under a size cap, and the object must hash to the commit id; a commit stored as a delta,
/// or anything else unexpected (an index whose tables point outside itself, a file that cannot be read), gives null:
/// one student's crafted <c>.git</c> costs that student the commit time, never the batch its listing.
/// </summary>
public static class GitCommitTime
{
    const int MaxObjectBytes = 1 << 20;
    const long MaxIndexBytes = 64L << 20;

    public static DateTimeOffset? Of(string folder, string commit)
    {
        var objects = Path.Combine(folder, ".git", "objects");
        try
        {
            var body = Loose(objects, commit) ?? Packed(objects, commit);
            return body is null ? null : CommitterDate(body);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static string? Loose(string objects, string commit)
    {
        var (outcome, bytes, _) = SafeFiles.ReadBytes(Path.Combine(objects, commit[..2], commit[2..]), MaxObjectBytes);
        if (outcome != ReadOutcome.Read) return null;
        var raw = Inflate(new MemoryStream(bytes!));
        var nul = raw is null ? -1 : Array.IndexOf(raw, (byte)0);
        if (nul < 0 || Encoding.ASCII.GetString(raw!, 0, nul) != $"commit {raw!.Length - nul - 1}") return null;
        return Verified(commit, raw[(nul + 1)..]);
    }

    static string? Packed(string objects, string commit)
    {
        var id = Convert.FromHexString(commit);
        var packs = Path.Combine(objects, "pack");
        if (FileEntry.Of(packs).Kind != FileKind.Directory) return null;
        foreach (var index in Directory.EnumerateFiles(packs, "pack-*.idx").Order(StringComparer.Ordinal))
        {
            var (outcome, idx, _) = SafeFiles.ReadBytes(index, MaxIndexBytes);
            if (outcome != ReadOutcome.Read || OffsetIn(idx!, id) is not { } offset) continue;
            var pack = Path.ChangeExtension(index, ".pack");
            if (!FileEntry.Of(pack).IsRegular) return null;
            using var stream = new FileStream(pack, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (offset >= stream.Length) return null;
            stream.Seek(offset, SeekOrigin.Begin);
            var c = stream.ReadByte();
            if (((c >> 4) & 7) != 1) return null; // 1: a commit stored whole; deltas are not followed
            long size = c & 15;
            for (var shift = 4; (c & 0x80) != 0; shift += 7)
            {
                if ((c = stream.ReadByte()) < 0 || shift > 28) return null;
                size |= (long)(c & 0x7f) << shift;
            }
            var raw = size <= MaxObjectBytes ? Inflate(stream) : null;
            return raw is not null && raw.Length == size ? Verified(commit, raw) : null;
        }
        return null;
    }

    /// <summary>Where a version-2 pack index puts <paramref name="id"/>, or null.</summary>
    static long? OffsetIn(byte[] idx, byte[] id)
    {
        int hash = id.Length, fanout = 8;
        if (idx.Length < fanout + 1024 || BinaryPrimitives.ReadUInt32BigEndian(idx) != 0xff744f63 || BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(4)) != 2) return null;
        long count = BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(fanout + 255 * 4));
        long names = fanout + 1024, offsets = names + count * (hash + 4), large = offsets + count * 4;
        if (idx.Length < large) return null;
        long lo = id[0] == 0 ? 0 : BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(fanout + (id[0] - 1) * 4)), hi = BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan(fanout + id[0] * 4));
        if (lo > hi || hi > count) return null; // the fan-out table must stay inside the name table
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            var order = idx.AsSpan((int)(names + mid * hash), hash).SequenceCompareTo(id);
            if (order == 0)
            {
                var offset = BinaryPrimitives.ReadUInt32BigEndian(idx.AsSpan((int)(offsets + mid * 4)));
                if ((offset & 0x80000000) == 0) return offset;
                var at = large + (offset & 0x7fffffff) * 8;
                return at + 8 <= idx.Length ? (long)BinaryPrimitives.ReadUInt64BigEndian(idx.AsSpan((int)at)) : null;
            }
            if (order < 0) lo = mid + 1;
            else hi = mid;
        }
        return null;
    }

    static byte[]? Inflate(Stream compressed)
    {
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress, leaveOpen: true);
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = zlib.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxObjectBytes) return null;
            }
            return buffer.ToArray();
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>The commit's text when it hashes to <paramref name="commit"/> (SHA-1, or SHA-256 for a 64-digit id).</summary>
    static string? Verified(string commit, byte[] body)
    {
        var stored = Encoding.ASCII.GetBytes($"commit {body.Length}\0").Concat(body).ToArray();
        var hash = commit.Length == 64 ? SHA256.HashData(stored) : SHA1.HashData(stored);
        return Convert.ToHexStringLower(hash) == commit.ToLowerInvariant() ? Encoding.UTF8.GetString(body) : null;
    }

    /// <summary>From the header line <c>committer Name &lt;mail&gt; 1764633600 +0100</c>.</summary>
    static DateTimeOffset? CommitterDate(string body)
    {
        foreach (var line in body.Split('\n'))
        {
            if (line.Length == 0) break;
            if (!line.StartsWith("committer ", StringComparison.Ordinal)) continue;
            var fields = line[(line.LastIndexOf('>') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 2 || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || fields[1].Length != 5 || fields[1][0] is not ('+' or '-')
                || !int.TryParse(fields[1][1..3], NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
                || !int.TryParse(fields[1][3..], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
                || hours > 14 || minutes > 59 || seconds > 253402300799) return null;
            var offset = new TimeSpan(hours, minutes, 0) * (fields[1][0] == '-' ? -1 : 1);
            var instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
            // The instant in the committer's zone, where that is a date .NET can hold: the last second of 9999 UTC at +14:00
            // is in year 10000, which stopped a whole class's listing (a red team, stop 60); it stays in UTC then.
            var local = instant.UtcTicks + offset.Ticks;
            return local >= DateTime.MinValue.Ticks && local <= DateTime.MaxValue.Ticks ? instant.ToOffset(offset) : instant;
        }
        return null;
    }
}
