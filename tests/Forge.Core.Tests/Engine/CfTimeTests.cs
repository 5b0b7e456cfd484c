using FsCheck;
using FsCheck.Fluent;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Cf;

namespace Forge.Core.Tests.Engine;

public sealed class CfTimeTests
{
    private const long Hour = 3_600_000_000L;

    [Theory]
    [InlineData("days since 1970-01-01", CfTimeUnit.Days)]
    [InlineData("day since 1970-01-01", CfTimeUnit.Days)]
    [InlineData("d since 1970-01-01", CfTimeUnit.Days)]
    [InlineData("Hours since 1970-01-01", CfTimeUnit.Hours)]
    [InlineData("hrs since 1970-01-01", CfTimeUnit.Hours)]
    [InlineData("h since 1970-01-01", CfTimeUnit.Hours)]
    [InlineData("minutes since 1970-01-01", CfTimeUnit.Minutes)]
    [InlineData("min since 1970-01-01", CfTimeUnit.Minutes)]
    [InlineData("seconds since 1970-01-01", CfTimeUnit.Seconds)]
    [InlineData("secs since 1970-01-01", CfTimeUnit.Seconds)]
    [InlineData("s since 1970-01-01", CfTimeUnit.Seconds)]
    [InlineData("milliseconds since 1970-01-01", CfTimeUnit.Milliseconds)]
    [InlineData("msec since 1970-01-01", CfTimeUnit.Milliseconds)]
    [InlineData("microseconds since 1970-01-01", CfTimeUnit.Microseconds)]
    [InlineData("us since 1970-01-01", CfTimeUnit.Microseconds)]
    public void UnitNamesAndAliases(string units, CfTimeUnit expected)
    {
        var parsed = CfTimeUnits.Parse(units, null, "a.nc");
        Assert.Equal(expected, parsed.Unit);
        Assert.Equal((1970, 1, 1, 0L), (parsed.Year, parsed.Month, parsed.Day, parsed.ReferenceMicrosOfDay));
        Assert.True(CfTimeUnits.IsTimeUnits(units));
    }

    [Theory]
    [InlineData("hours since 1900-01-01 00:00:00", 1900, 1, 1, 0L)]
    [InlineData("hours since 1900-1-1", 1900, 1, 1, 0L)]
    [InlineData("hours since 1981-09-01T06:30:00", 1981, 9, 1, 6 * Hour + 30 * 60_000_000L)]
    [InlineData("hours since 1981-09-01 06:30", 1981, 9, 1, 6 * Hour + 30 * 60_000_000L)]
    [InlineData("seconds since 2000-01-01 00:00:01.5", 2000, 1, 1, 1_500_000L)]
    [InlineData("seconds since 2000-01-01 00:00:00.0000019", 2000, 1, 1, 1L)]
    [InlineData("seconds since 2000-01-01 00:00:00.000123", 2000, 1, 1, 123L)]
    [InlineData("days since 1970-01-01 00:00:00Z", 1970, 1, 1, 0L)]
    [InlineData("days since 1970-01-01 00:00:00 UTC", 1970, 1, 1, 0L)]
    [InlineData("days since 1970-01-01 12:00:00 +2", 1970, 1, 1, 10 * Hour)]
    [InlineData("days since 1970-01-01 00:00:00 +2", 1969, 12, 31, 22 * Hour)]
    [InlineData("days since 2000-03-01 01:00 +03:00", 2000, 2, 29, 22 * Hour)]
    [InlineData("days since 1999-12-31 23:00 -02:00", 2000, 1, 1, 1 * Hour)]
    [InlineData("days since 1970-01-01 12:00:00 -05:30", 1970, 1, 1, 17 * Hour + 30 * 60_000_000L)]
    [InlineData("days since 1970-01-01 12:00:00+0100", 1970, 1, 1, 11 * Hour)]
    [InlineData("days since 1970-01-01 00:00:00 0:00", 1970, 1, 1, 0L)] // GPCP daily v1.3
    [InlineData("days since 1970-01-01 12:00:00 1:30", 1970, 1, 1, 10 * Hour + 30 * 60_000_000L)]
    [InlineData("days since -0100-03-01", -100, 3, 1, 0L)]
    [InlineData("  days   since   0001-01-01  ", 1, 1, 1, 0L)]
    public void ReferenceDates(string units, int year, int month, int day, long microsOfDay)
    {
        var parsed = CfTimeUnits.Parse(units, "standard", "a.nc");
        Assert.Equal((year, month, day, microsOfDay), (parsed.Year, parsed.Month, parsed.Day, parsed.ReferenceMicrosOfDay));
    }

    [Theory]
    [InlineData("days after 1970-01-01")]
    [InlineData("fortnights since 1970-01-01")]
    [InlineData("days since yesterday")]
    [InlineData("days since 1970-13-01")]
    [InlineData("days since 1970-00-01")]
    [InlineData("days since 1970-01-32")]
    [InlineData("days since 1970-01-01 noon")]
    [InlineData("days")]
    [InlineData("")]
    public void BadUnitsAreDataErrorsNamingTheSource(string units)
    {
        var ex = Assert.Throws<DataException>(() => CfTimeUnits.Parse(units, null, "s3://bucket/file-1.nc"));
        Assert.Contains("s3://bucket/file-1.nc", ex.Message);
    }

    [Theory]
    [InlineData("days since 1970-01-01", true)]
    [InlineData("K", false)]
    [InlineData("fortnights since 1970-01-01", false)]
    [InlineData(null, false)]
    public void IsTimeUnits(string? units, bool expected) => Assert.Equal(expected, CfTimeUnits.IsTimeUnits(units));

    [Theory]
    [InlineData("standard", CfCalendarKind.ProlepticGregorian)]
    [InlineData("gregorian", CfCalendarKind.ProlepticGregorian)]
    [InlineData("proleptic_gregorian", CfCalendarKind.ProlepticGregorian)]
    [InlineData(null, CfCalendarKind.ProlepticGregorian)]
    [InlineData(" NoLeap ", CfCalendarKind.NoLeap)]
    [InlineData("365_day", CfCalendarKind.NoLeap)]
    [InlineData("all_leap", CfCalendarKind.AllLeap)]
    [InlineData("366_day", CfCalendarKind.AllLeap)]
    [InlineData("360_day", CfCalendarKind.Day360)]
    public void CalendarNames(string? name, CfCalendarKind expected) => Assert.Equal(expected, CfCalendar.Parse(name, "a.nc"));

    [Fact]
    public void UnknownCalendarNamesTheSource()
    {
        var ex = Assert.Throws<DataException>(() => CfCalendar.Parse("julian_mars", "b.nc"));
        Assert.Contains("b.nc", ex.Message);
        Assert.Contains("julian_mars", ex.Message);
    }

    [Fact]
    public void GregorianDayNumberMatchesDateTimeForManyDates()
    {
        Prop.ForAll(Gen.Choose(0, 3_652_058).ToArbitrary(), days =>
        {
            var date = DateTime.MinValue.AddDays(days);
            return CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, date.Year, date.Month, date.Day) == days;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void GregorianDayNumberAtTheEdges()
    {
        Assert.Equal(0, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, 1, 1, 1));
        Assert.Equal(719_162, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, 1970, 1, 1));
        // Year 0 is a leap year in the proleptic calendar (astronomical numbering): 366 days before 0001-01-01.
        Assert.Equal(-366, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, 0, 1, 1));
        Assert.Equal(-366 - 365, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, -1, 1, 1));
        Assert.Equal(-366 + 59, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, 0, 2, 29));
    }

    [Fact]
    public void GregorianDaysAreConsecutiveAcrossNegativeYears()
    {
        // Walking day by day from -400-01-01 to 0001-01-01 must step by exactly one each time.
        var prev = CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, -400, 1, 1);
        for (int y = -400; y <= 0; y++)
        {
            for (int m = 1; m <= 12; m++)
            {
                int days = m == 2 ? (IsLeap(y) ? 29 : 28) : m is 4 or 6 or 9 or 11 ? 30 : 31;
                for (int d = 1; d <= days; d++)
                {
                    if (y == -400 && m == 1 && d == 1) continue;
                    var n = CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, y, m, d);
                    Assert.Equal(prev + 1, n);
                    prev = n;
                }
            }
        }

        Assert.Equal(prev + 1, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, 1, 1, 1));
        Assert.Equal(-146_097, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, -399, 1, 1));
        static bool IsLeap(int y) => y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    }

    [Theory]
    [InlineData(CfCalendarKind.NoLeap, 2000, 3, 1, 1999 * 365 + 59)]
    [InlineData(CfCalendarKind.NoLeap, 2001, 1, 1, 2000 * 365)]
    [InlineData(CfCalendarKind.AllLeap, 1999, 3, 1, 1998 * 366 + 60)]
    [InlineData(CfCalendarKind.AllLeap, 1999, 2, 29, 1998 * 366 + 59)]
    [InlineData(CfCalendarKind.AllLeap, 2000, 12, 31, 1999 * 366 + 365)]
    [InlineData(CfCalendarKind.Day360, 2000, 2, 30, 1999 * 360 + 59)]
    [InlineData(CfCalendarKind.Day360, 2000, 12, 30, 1999 * 360 + 359)]
    public void FixedLengthCalendars(CfCalendarKind kind, int y, int m, int d, long expected) =>
        Assert.Equal(expected, CfCalendar.DayNumber(kind, y, m, d));

    [Fact]
    public void NoLeapYearsAre365DaysAndAllLeap366And360Day360()
    {
        Prop.ForAll(Gen.Choose(-2000, 5000).ToArbitrary(), y =>
            CfCalendar.DayNumber(CfCalendarKind.NoLeap, y + 1, 1, 1) - CfCalendar.DayNumber(CfCalendarKind.NoLeap, y, 1, 1) == 365
            && CfCalendar.DayNumber(CfCalendarKind.AllLeap, y + 1, 1, 1) - CfCalendar.DayNumber(CfCalendarKind.AllLeap, y, 1, 1) == 366
            && CfCalendar.DayNumber(CfCalendarKind.Day360, y + 1, 1, 1) - CfCalendar.DayNumber(CfCalendarKind.Day360, y, 12, 30) == 1)
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AbsoluteInstantsAgreeAcrossReferences()
    {
        var a = CfTimeUnits.Parse("hours since 2000-01-01", null, "a.nc");
        var b = CfTimeUnits.Parse("days since 1999-12-31 12:00", null, "b.nc");
        Assert.Equal(a.ToAbsoluteMicros(12), b.ToAbsoluteMicros(1));
        var noleap = CfTimeUnits.Parse("days since 2000-01-01", "noleap", "c.nc");
        Assert.Equal(CfCalendar.DayNumber(CfCalendarKind.NoLeap, 2000, 3, 1) * CfTimeUnits.MicrosPerDay, noleap.ToAbsoluteMicros(59));
    }

    [Theory]
    [InlineData("hours since 1981-09-01", "hours since 1981-09-01 00:00:00")]
    [InlineData("days since 1970-1-1 6:5:4.25", "days since 1970-01-01 06:05:04.250000")]
    [InlineData("seconds since -0044-03-15", "seconds since -0044-03-15 00:00:00")]
    [InlineData("minutes since 2000-01-01T00:00Z", "minutes since 2000-01-01 00:00:00")]
    public void FormatIsCanonicalAndRoundTrips(string units, string expected)
    {
        var parsed = CfTimeUnits.Parse(units, "standard", "a.nc");
        Assert.Equal(expected, parsed.Format());
        Assert.Equal(parsed, CfTimeUnits.Parse(parsed.Format(), "standard", "a.nc"));
    }

    [Theory]
    [InlineData("standard")]
    [InlineData("noleap")]
    [InlineData("all_leap")]
    [InlineData("360_day")]
    public void FormatOfAReferenceWithAUtcOffsetDenotesTheSameInstant(string calendar)
    {
        var parsed = CfTimeUnits.Parse("hours since 1970-03-01 00:00:00 +2", calendar, "a.nc");
        Assert.Equal(CfCalendar.DayNumber(parsed.Calendar, 1970, 3, 1) * CfTimeUnits.MicrosPerDay - 2 * Hour, parsed.ReferenceMicros);
        var again = CfTimeUnits.Parse(parsed.Format(), calendar, "a.nc");
        Assert.Equal(parsed.ReferenceMicros, again.ReferenceMicros);
        Assert.EndsWith(" 22:00:00", parsed.Format());
    }

    [Fact]
    public void FromDayNumberInvertsDayNumberInEveryCalendar()
    {
        Prop.ForAll(Gen.Choose(-1_000_000, 4_000_000).ToArbitrary(), Gen.Elements(Enum.GetValues<CfCalendarKind>()).ToArbitrary(), (n, kind) =>
        {
            var (y, m, d) = CfCalendar.FromDayNumber(kind, n);
            return m is >= 1 and <= 12 && d >= 1 && d <= 31 && CfCalendar.DayNumber(kind, y, m, d) == n;
        }).QuickCheckThrowOnFailure();
        Assert.Equal((2000, 2, 29), CfCalendar.FromDayNumber(CfCalendarKind.ProlepticGregorian, CfCalendar.DayNumber(CfCalendarKind.ProlepticGregorian, 2000, 3, 1) - 1));
        Assert.Equal((1999, 12, 30), CfCalendar.FromDayNumber(CfCalendarKind.Day360, CfCalendar.DayNumber(CfCalendarKind.Day360, 2000, 1, 1) - 1));
        Assert.Equal((0, 12, 31), CfCalendar.FromDayNumber(CfCalendarKind.NoLeap, -1));
    }
}
