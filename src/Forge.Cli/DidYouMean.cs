namespace Forge.Cli;

/// <summary>Suggests the closest known name for a misspelt one (edit distance, case-insensitive).</summary>
internal static class DidYouMean
{
    /// <summary>The closest candidate within a distance that still looks like a typo, else null.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(name.ToLowerInvariant(), c.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (c, d);
        }

        // One edit per three characters (at least one, at most three) is a typo; more is another name.
        var allowed = Math.Clamp(name.Length / 3, 1, 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>" (did you mean 'x'?)" or, without a close match, " (have: a, b, c)".</summary>
    public static string Hint(string name, IReadOnlyCollection<string> candidates)
    {
        var closest = Closest(name, candidates);
        if (closest is not null) return $" (did you mean '{closest}'?)";
        return candidates.Count == 0 ? "" : $" (have: {string.Join(", ", candidates.Take(12))}{(candidates.Count > 12 ? ", …" : "")})";
    }

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transposition: "tiem" → "time" is 1).</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }

        return d[a.Length, b.Length];
    }
}
