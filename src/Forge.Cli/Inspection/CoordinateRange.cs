using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Core.Datasets.Cf;

namespace Forge.Cli.Inspection;

/// <summary>First and last value of a 1-D coordinate; times decoded from CF units ("days since …") to dates.</summary>
internal sealed record CoordinateRange(string Name, long Length, double First, double Last, string? Units, string? FirstTime, string? LastTime)
{
    public static CoordinateRange Create(string name, long length, double first, double last, string? units, string? calendar, string source)
    {
        string? t0 = null, t1 = null;
        if (CfTimeUnits.IsTimeUnits(units))
        {
            try
            {
                var cf = CfTimeUnits.Parse(units!, calendar, source);
                (t0, t1) = (FormatTime(cf, first), FormatTime(cf, last));
            }
            catch (Exception e) when (e is FormatException or Core.Datasets.DataException or ArgumentException)
            {
                // Undecodable units: show the raw numbers only.
            }
        }

        return new CoordinateRange(name, length, first, last, units, t0, t1);
    }

    /// <summary>A CF time value as an ISO date (time of day only when not midnight); null for NaN.</summary>
    internal static string? FormatTime(CfTimeUnits cf, double value)
    {
        if (!double.IsFinite(value)) return null;
        var micros = (long)Math.Round(cf.ToAbsoluteMicros(value));
        var day = Math.DivRem(micros, CfTimeUnits.MicrosPerDay, out var rest);
        if (rest < 0) { day--; rest += CfTimeUnits.MicrosPerDay; }
        var (y, m, d) = CfCalendar.FromDayNumber(cf.Calendar, day);
        var s = rest / 1_000_000;
        var time = s == 0 ? "" : $"T{s / 3600:00}:{s / 60 % 60:00}:{s % 60:00}";
        return string.Create(CultureInfo.InvariantCulture, $"{y:0000}-{m:00}-{d:00}{time}");
    }

    public string Text => FirstTime is not null
        ? $"{Name}: {FirstTime} … {LastTime} ({Length} {(Length == 1 ? "value" : "values")})"
        : string.Create(CultureInfo.InvariantCulture, $"{Name}: {First:G6} … {Last:G6}{(Units is null ? "" : " " + Units)} ({Length} {(Length == 1 ? "value" : "values")})");

    public JsonObject ToJson()
    {
        var o = new JsonObject { ["length"] = Length, ["first"] = Json(First), ["last"] = Json(Last), ["units"] = Units };
        if (FirstTime is not null) { o["first_time"] = FirstTime; o["last_time"] = LastTime; }
        return o;
    }

    private static JsonNode? Json(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
