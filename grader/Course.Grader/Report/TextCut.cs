namespace Course.Grader.Report;

/// <summary>
/// Where a text that may hold a student's characters is cut: never between the two halves of a surrogate pair (an emoji,
/// a character outside the Basic Multilingual Plane), whose lone first half every encoder after the cut would turn into
/// U+FFFD, and which GitHub's API and a report's reader would show as a broken character.
/// </summary>
public static class TextCut
{
    /// <summary>
    /// The first <paramref name="maxChars"/> characters of <paramref name="text"/>, or one fewer where the last of them
    /// would be the first half of a pair; the whole text when it is no longer.
    /// </summary>
    public static string Prefix(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        if (maxChars <= 0) return "";
        return text[..(char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars)];
    }

    /// <summary>The text whole when it has at most <paramref name="maxChars"/> characters; else its <see cref="Prefix"/> and "…", together no longer.</summary>
    public static string Ellipsis(string text, int maxChars) => text.Length <= maxChars ? text : Prefix(text, maxChars - 1) + "…";

    /// <summary>
    /// The text whole when it has at most <paramref name="maxChars"/> characters; else its first two fifths, " … " and its
    /// end, together no longer: a message's subject comes first and its facts last ("…: got X, expected Y"), so a table
    /// line keeps both (a red team, stop 60, found a long subject that cut "got …, expected …" off a table's line).
    /// </summary>
    public static string Middle(string text, int maxChars)
    {
        const string Gap = " … ";
        if (text.Length <= maxChars) return text;
        if (maxChars < 20) return Ellipsis(text, maxChars);
        var head = Prefix(text, maxChars * 2 / 5);
        var tailLength = maxChars - head.Length - Gap.Length;
        var tailStart = text.Length - tailLength;
        if (char.IsLowSurrogate(text[tailStart])) tailStart++;
        return head + Gap + text[tailStart..];
    }
}
