using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Recipes.Parsing;

/// <summary>
/// A range end relative to the run's start, in UTC: <c>today</c>, <c>-N days</c>, <c>-N months</c> (a whole day: every
/// key on that date is included) or <c>-N hours</c> (an instant, to the minute). Lets a cron job's recipe grow by itself.
/// </summary>
internal sealed partial record RelativeEnd(int Count, StepUnit Unit)
{
    public static RelativeEnd? TryParse(string? text)
    {
        if (text is null) return null;
        var trimmed = text.Trim();
        if (trimmed.Equals("today", StringComparison.OrdinalIgnoreCase)) return new RelativeEnd(0, StepUnit.Day);
        var match = Pattern().Match(trimmed);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return null;
        return new RelativeEnd(n, match.Groups[2].Value.ToLowerInvariant() switch
        {
            "hour" => StepUnit.Hour,
            "month" => StepUnit.Month,
            _ => StepUnit.Day,
        });
    }

    /// <summary>The end key: a date for days and months, a date and time for hours.</summary>
    public DateKey Resolve(DateTime utcNow)
    {
        var day = DateTime.SpecifyKind(utcNow.Date, DateTimeKind.Unspecified);
        return Unit switch
        {
            StepUnit.Hour => new DateKey(Minute(utcNow).AddHours(-Count), true),
            StepUnit.Month => new DateKey(day.AddMonths(-Count), false),
            _ => new DateKey(day.AddDays(-Count), false),
        };
    }

    /// <summary>The last instant the range includes: the end of the day for day and month ends, the instant itself for hours.</summary>
    public DateTime InclusiveLimit(DateTime utcNow)
    {
        var end = Resolve(utcNow).Value;
        return Unit == StepUnit.Hour ? end : end.AddDays(1).AddTicks(-1);
    }

    private static DateTime Minute(DateTime t) => DateTime.SpecifyKind(new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0), DateTimeKind.Unspecified);

    public override string ToString() => Count == 0 && Unit == StepUnit.Day ? "today"
        : $"-{Count} {Unit.ToString().ToLowerInvariant()}{(Count == 1 ? "" : "s")}";

    [GeneratedRegex(@"^-\s*([0-9]{1,6})\s*(day|hour|month)s?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
