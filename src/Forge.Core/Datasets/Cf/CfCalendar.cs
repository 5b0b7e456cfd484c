namespace Forge.Core.Datasets.Cf;

/// <summary>
/// The CF calendars Forge can do arithmetic in. "standard"/"gregorian" are treated as proleptic Gregorian,
/// which equals them for dates after 1582-10-15 (documented in docs/time.md).
/// </summary>
public enum CfCalendarKind
{
    ProlepticGregorian,
    NoLeap,
    AllLeap,
    Day360,
}

/// <summary>Calendar-aware day counting for CF time coordinates.</summary>
public static class CfCalendar
{
    public static CfCalendarKind Parse(string? name, string source)
    {
        switch ((name ?? "standard").Trim().ToLowerInvariant())
        {
            case "standard":
            case "gregorian":
            case "proleptic_gregorian":
                return CfCalendarKind.ProlepticGregorian;
            case "noleap":
            case "365_day":
                return CfCalendarKind.NoLeap;
            case "all_leap":
            case "366_day":
                return CfCalendarKind.AllLeap;
            case "360_day":
                return CfCalendarKind.Day360;
            default:
                throw new DataException($"{source}: unsupported calendar '{name}'");
        }
    }

    private static readonly int[] CumulativeDaysNoLeap = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

    /// <summary>Days from 0001-01-01 to the given date in the calendar.</summary>
    public static long DayNumber(CfCalendarKind kind, int year, int month, int day)
    {
        if (month is < 1 or > 12) throw new ArgumentOutOfRangeException(nameof(month));
        switch (kind)
        {
            case CfCalendarKind.ProlepticGregorian:
                // Works for any year including <= 0 through the standard proleptic formula (astronomical years).
                return GregorianDayNumber(year, month, day);
            case CfCalendarKind.NoLeap:
                return (long)(year - 1) * 365 + CumulativeDaysNoLeap[month - 1] + (day - 1);
            case CfCalendarKind.AllLeap:
                return (long)(year - 1) * 366 + CumulativeDaysNoLeap[month - 1] + (month > 2 ? 1 : 0) + (day - 1);
            case CfCalendarKind.Day360:
                return (long)(year - 1) * 360 + (month - 1) * 30 + (day - 1);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static long GregorianDayNumber(int year, int month, int day)
    {
        // Days since 0001-01-01 (proleptic Gregorian), valid for negative years as well.
        long y = year, m = month;
        if (m <= 2) { y -= 1; m += 12; }
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m - 3) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long daysFromCivil0 = era * 146097 + doe; // days since 0000-03-01
        return daysFromCivil0 - 306; // 0001-01-01 is 306 days after 0000-03-01
    }
}
