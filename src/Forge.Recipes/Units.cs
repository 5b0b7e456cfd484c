using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Recipes;

/// <summary>Byte sizes (<c>64MiB</c>, <c>500MB</c>) and durations (<c>120s</c>, <c>1h30m</c>) as written in recipes.</summary>
public static partial class Units
{
    /// <summary>Parses a size: a number and an optional unit (B, kB/KB, MB, GB, TB decimal; KiB, MiB, GiB, TiB binary).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success) return false;
        // Beyond decimal's range (~7.9e28) it is no size either (fuzzing found the OverflowException).
        if (!decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
        var multiplier = match.Groups[2].Value.ToUpperInvariant() switch
        {
            "" or "B" => 1m,
            "KB" => 1e3m,
            "MB" => 1e6m,
            "GB" => 1e9m,
            "TB" => 1e12m,
            "KIB" => 1024m,
            "MIB" => 1024m * 1024,
            "GIB" => 1024m * 1024 * 1024,
            "TIB" => 1024m * 1024 * 1024 * 1024,
            _ => 0m,
        };
        if (multiplier == 0 || number > long.MaxValue / multiplier) return false;
        var value = number * multiplier;
        if (value > long.MaxValue || value != decimal.Truncate(value)) return false;
        bytes = (long)value;
        return true;
    }

    /// <summary>Parses a duration: one or more number+unit parts (ms, s, m, h, d), or a plain number of seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var plainSeconds))
            return TryAdd(ref duration, plainSeconds);

        if (!DurationPattern().IsMatch(text)) return false;
        foreach (Match part in DurationPartPattern().Matches(text))
        {
            var number = double.Parse(part.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            var seconds = number * part.Groups[2].Value switch
            {
                "ms" => 1e-3,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => 86400,
            };
            if (!TryAdd(ref duration, seconds)) return false;
        }

        return true;
    }

    // Adds seconds unless the sum leaves TimeSpan's range (~29,000 years): such a text is no duration, not a crash.
    private static bool TryAdd(ref TimeSpan duration, double seconds)
    {
        var total = duration.TotalSeconds + seconds;
        if (!double.IsFinite(total) || total >= TimeSpan.MaxValue.TotalSeconds / 2) return false;
        duration += TimeSpan.FromSeconds(seconds);
        return true;
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)\s*([kKMGT]i?B|B)?$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^(?:[0-9]+(?:\.[0-9]+)?\s*(?:ms|s|m|h|d)\s*)+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)")]
    private static partial Regex DurationPartPattern();
}
