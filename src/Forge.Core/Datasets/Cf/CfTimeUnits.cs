using System.Globalization;
using System.Text.RegularExpressions;

namespace Forge.Core.Datasets.Cf;

/// <summary>A CF time unit, from coarsest to finest.</summary>
public enum CfTimeUnit
{
    Days,
    Hours,
    Minutes,
    Seconds,
    Milliseconds,
    Microseconds,
}

/// <summary>
/// Parsed CF time units "&lt;unit&gt; since &lt;reference&gt;" with a calendar, and the conversion of encoded values to
/// an absolute instant: microseconds since 0001-01-01T00:00 in that calendar (exact for integers).
/// </summary>
public sealed partial record CfTimeUnits(CfTimeUnit Unit, int Year, int Month, int Day, long ReferenceMicrosOfDay, CfCalendarKind Calendar, string CalendarName)
{
    public const long MicrosPerDay = 86_400_000_000L;

    [GeneratedRegex(@"^\s*(\w+)\s+since\s+(.+?)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UnitsPattern();

    [GeneratedRegex(@"^(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?|\d{1,2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();

    /// <summary>True when <paramref name="units"/> looks like CF time units ("... since ...").</summary>
    public static bool IsTimeUnits(string? units) => units is not null && UnitsPattern().IsMatch(units) &&
        TryParseUnit(UnitsPattern().Match(units).Groups[1].Value, out _);

    public static CfTimeUnits Parse(string units, string? calendar, string source)
    {
        var m = UnitsPattern().Match(units);
        if (!m.Success || !TryParseUnit(m.Groups[1].Value, out var unit))
            throw new DataException($"{source}: time units '{units}' are not '<unit> since <date>'");
        var r = ReferencePattern().Match(m.Groups[2].Value);
        if (!r.Success) throw new DataException($"{source}: cannot parse the reference date in time units '{units}'");
        int year = int.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture);
        int month = int.Parse(r.Groups[2].Value, CultureInfo.InvariantCulture);
        int day = int.Parse(r.Groups[3].Value, CultureInfo.InvariantCulture);
        long micros = 0;
        if (r.Groups[4].Success)
        {
            micros += long.Parse(r.Groups[4].Value, CultureInfo.InvariantCulture) * 3_600_000_000L;
            micros += long.Parse(r.Groups[5].Value, CultureInfo.InvariantCulture) * 60_000_000L;
            if (r.Groups[6].Success) micros += long.Parse(r.Groups[6].Value, CultureInfo.InvariantCulture) * 1_000_000L;
            if (r.Groups[7].Success)
            {
                var frac = r.Groups[7].Value.PadRight(6, '0')[..6];
                micros += long.Parse(frac, CultureInfo.InvariantCulture);
            }
        }

        if (r.Groups[8].Success && r.Groups[8].Value is not ("Z" or "UTC"))
        {
            // A UTC offset: "1970-01-01 00:00:00 +2" means 2 hours ahead of UTC, so subtract it.
            var tz = r.Groups[8].Value;
            // An unsigned "H:MM" offset (GPCP writes "00:00:00 0:00") is east of UTC, like udunits reads it.
            var sign = tz[0] == '-' ? -1 : 1;
            var digits = (char.IsAsciiDigit(tz[0]) ? tz : tz[1..]).Replace(":", "", StringComparison.Ordinal);
            int hh = int.Parse(digits.Length > 2 ? digits[..^2] : digits, CultureInfo.InvariantCulture);
            int mm = digits.Length > 2 ? int.Parse(digits[^2..], CultureInfo.InvariantCulture) : 0;
            micros -= sign * (hh * 3_600_000_000L + mm * 60_000_000L);
        }

        if (month is < 1 or > 12 || day is < 1 or > 31)
            throw new DataException($"{source}: invalid reference date in time units '{units}'");
        var calName = string.IsNullOrWhiteSpace(calendar) ? "standard" : calendar.Trim();
        var kind = CfCalendar.Parse(calName, source);
        if (micros is < 0 or >= MicrosPerDay)
        {
            // A UTC offset moved the reference to another day: keep the time of day in [0, 24h) so Format() round-trips.
            long days = Math.DivRem(micros, MicrosPerDay, out micros);
            if (micros < 0) { days--; micros += MicrosPerDay; }
            (year, month, day) = CfCalendar.FromDayNumber(kind, CfCalendar.DayNumber(kind, year, month, day) + days);
        }

        return new CfTimeUnits(unit, year, month, day, micros, kind, calName);
    }

    private static bool TryParseUnit(string text, out CfTimeUnit unit)
    {
        switch (text.ToLowerInvariant())
        {
            case "day" or "days" or "d": unit = CfTimeUnit.Days; return true;
            case "hour" or "hours" or "hr" or "hrs" or "h": unit = CfTimeUnit.Hours; return true;
            case "minute" or "minutes" or "min" or "mins": unit = CfTimeUnit.Minutes; return true;
            case "second" or "seconds" or "sec" or "secs" or "s": unit = CfTimeUnit.Seconds; return true;
            case "millisecond" or "milliseconds" or "msec" or "msecs" or "ms": unit = CfTimeUnit.Milliseconds; return true;
            case "microsecond" or "microseconds" or "usec" or "usecs" or "us": unit = CfTimeUnit.Microseconds; return true;
            default: unit = default; return false;
        }
    }

    public static long MicrosPer(CfTimeUnit unit) => unit switch
    {
        CfTimeUnit.Days => MicrosPerDay,
        CfTimeUnit.Hours => 3_600_000_000L,
        CfTimeUnit.Minutes => 60_000_000L,
        CfTimeUnit.Seconds => 1_000_000L,
        CfTimeUnit.Milliseconds => 1_000L,
        CfTimeUnit.Microseconds => 1L,
        _ => throw new ArgumentOutOfRangeException(nameof(unit)),
    };

    public static string UnitName(CfTimeUnit unit) => unit.ToString().ToLowerInvariant();

    /// <summary>The reference instant in microseconds since 0001-01-01 of this calendar.</summary>
    public long ReferenceMicros => CfCalendar.DayNumber(Calendar, Year, Month, Day) * MicrosPerDay + ReferenceMicrosOfDay;

    /// <summary>Absolute instant (µs since 0001-01-01 in this calendar) of an encoded value; exact for integral values.</summary>
    public double ToAbsoluteMicros(double value) => ReferenceMicros + value * MicrosPer(Unit);

    /// <summary>The canonical units string, e.g. "hours since 1981-09-01 00:00:00".</summary>
    public string Format()
    {
        long s = ReferenceMicrosOfDay / 1_000_000, us = ReferenceMicrosOfDay % 1_000_000;
        var time = $"{s / 3600:00}:{s / 60 % 60:00}:{s % 60:00}" + (us != 0 ? $".{us:000000}" : "");
        var year = Year < 0 ? $"-{-Year:0000}" : $"{Year:0000}";
        return $"{UnitName(Unit)} since {year}-{Month:00}-{Day:00} {time}";
    }
}
