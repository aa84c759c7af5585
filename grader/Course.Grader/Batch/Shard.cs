using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Course.Grader.Batch;

/// <summary>
/// One share of a class, <c>k/N</c> (<c>course batch --shard k/N</c>): of N runners grading one class, runner k grades the
/// students whose login hashes to it. The share is a function of the login alone, never of its place in the roster:
/// each runner lists the roster itself, and an org's or Classroom's listing can change between the runners' starts (a
/// student accepts the assignment, a repository is renamed, the API pages in another order). By index, one such
/// change would shift everyone after it into another runner's share, so some students would be graded twice and
/// others never; by hash, a change touches only the students it adds or removes.
/// </summary>
/// <param name="Index">k, from 1 to <paramref name="Count"/>.</param>
/// <param name="Count">N, the number of shards.</param>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The usage line for a bad value.</summary>
    public const string Usage = "--shard takes k/N with whole numbers 1 ≤ k ≤ N, e.g. --shard 2/10 (the second of ten runners)";

    /// <summary>Reads <c>k/N</c>; null with <paramref name="problem"/> set when it is not 1 ≤ k ≤ N.</summary>
    public static Shard? Parse(string text, out string? problem)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index >= 1 && index <= count)
        {
            problem = null;
            return new Shard(index, count);
        }
        problem = $"{Usage}; not '{text}'";
        return null;
    }

    /// <summary>
    /// The shard (1 to <paramref name="count"/>) of a student: the first 8 bytes of SHA-256 of the login (UTF-8,
    /// lower-cased, as GitHub logins are case-insensitive), big-endian, mod N, plus 1. SHA-256 is the same on every
    /// runner, OS and .NET version (unlike <see cref="string.GetHashCode()"/>, which is randomised per process).
    /// </summary>
    public static int Of(string student, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(student.ToLowerInvariant()));
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (int)(value % (ulong)count) + 1;
    }

    /// <summary>Whether this shard grades the student.</summary>
    public bool Contains(string student) => Of(student, Count) == Index;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
