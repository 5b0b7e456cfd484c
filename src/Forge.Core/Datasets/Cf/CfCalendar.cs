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

    /// <summary>The date of a day number (inverse of <see cref="DayNumber"/>).</summary>
    public static (int Year, int Month, int Day) FromDayNumber(CfCalendarKind kind, long dayNumber)
    {
        switch (kind)
        {
            case CfCalendarKind.ProlepticGregorian:
            {
                // Inverse of GregorianDayNumber (civil-from-days on 400-year eras starting 0000-03-01).
                long z = dayNumber + 306;
                long era = (z >= 0 ? z : z - 146096) / 146097;
                long doe = z - era * 146097;
                long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
                long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
                long mp = (5 * doy + 2) / 153;
                int d = (int)(doy - (153 * mp + 2) / 5 + 1);
                int m = (int)(mp < 10 ? mp + 3 : mp - 9);
                return ((int)(yoe + era * 400 + (m <= 2 ? 1 : 0)), m, d);
            }

            case CfCalendarKind.NoLeap:
            case CfCalendarKind.AllLeap:
            {
                int length = kind == CfCalendarKind.NoLeap ? 365 : 366;
                long year = Math.DivRem(dayNumber, length, out long doy);
                if (doy < 0) { year--; doy += length; }
                int leap = kind == CfCalendarKind.AllLeap ? 1 : 0;
                int month = 12;
                while (CumulativeDaysNoLeap[month - 1] + (month > 2 ? leap : 0) > doy) month--;
                return ((int)year + 1, month, (int)(doy - CumulativeDaysNoLeap[month - 1] - (month > 2 ? leap : 0)) + 1);
            }

            case CfCalendarKind.Day360:
            {
                long year = Math.DivRem(dayNumber, 360, out long doy);
                if (doy < 0) { year--; doy += 360; }
                return ((int)year + 1, (int)(doy / 30) + 1, (int)(doy % 30) + 1);
            }

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
