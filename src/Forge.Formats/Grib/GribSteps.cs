using System.Globalization;
using Forge.Core.Datasets;
using Forge.Native.EcCodes;

namespace Forge.Formats.Grib;

/// <summary>A message's forecast step in seconds, and the step unit cfgrib reports for it (<c>GRIB_stepUnits</c>).</summary>
internal readonly record struct GribStep(long StartSeconds, long EndSeconds, long Units)
{
    /// <summary>cfgrib's <c>step</c>: the end step in hours.</summary>
    public double EndHours => EndSeconds / 3600.0;

    public double StartHours => StartSeconds / 3600.0;
}

/// <summary>
/// Forecast steps independent of ecCodes' key-read order. ecCodes 2.28 reports <c>startStep</c>/<c>endStep</c>
/// in the unit of <c>stepUnits</c>, whose value is 1 (hours) on a fresh handle but the coded unit once a step key
/// was read: a 30-minute step reads as 30 (hours) or fails ("step must be integer") depending on what was read
/// first. Its conversions are not reliable either (a GRIB2 step coded in 15-minute units asked for in seconds
/// reads 5,760,454,026; a set of <c>stepUnits</c> ecCodes cannot honour is silently ignored). So Forge takes the
/// unit from the key that carries it (<c>indicatorOfUnitOfTimeRange</c>), sets <c>stepUnits</c> to exactly that
/// unit (no conversion inside ecCodes, which still applies each template's rules for start and end), reads back
/// which unit ecCodes used, and converts to seconds itself.
/// </summary>
internal static class GribSteps
{
    /// <summary>ecCodes' stepUnits codes (stepUnits.table): 13 = seconds, 0 = minutes, 1 = hours.</summary>
    private const long Seconds = 13;

    private const long Hours = 1;

    /// <summary>ecCodes stepUnits code → seconds (stepUnits.table); null for months, years, decades, normals, centuries.</summary>
    private static readonly long?[] UnitSeconds = [60, 3600, 86400, null, null, null, null, null, null, null, 10800, 21600, 43200, 1, 900, 1800];

    private static readonly string[] UnitNames =
        ["minutes", "hours", "days", "months", "years", "decades", "normals (30 years)", "centuries", "", "", "3 hours", "6 hours", "12 hours", "seconds", "15 minutes", "30 minutes"];

    /// <summary>Keys whose ecCodes value depends on the read order; a filter on them sees <see cref="FilterText"/>.</summary>
    public static bool IsStepKey(string key) => key is "step" or "endStep" or "startStep" or "stepRange" or "stepUnits";

    /// <summary>
    /// The message's forecast step, or null when it has none (e.g. product template 4.31, satellite imagery).
    /// </summary>
    /// <exception cref="DataException">Steps in months or longer, or a unit ecCodes cannot read; the message names <paramref name="where"/>.</exception>
    public static GribStep? Read(EcCodesMessage m, string where)
    {
        if (!m.IsDefined("endStep")) return null;
        var coded = CodedUnit(m, where);
        if (coded is not { } unit || Length(unit) is null)
        {
            var name = coded is { } c and >= 0 and < 16 && UnitNames[c].Length > 0 ? UnitNames[c] : $"unit {m.TryGetLong("indicatorOfUnitOfTimeRange")}";
            throw new DataException($"{where}: its forecast step is in {name} (indicatorOfUnitOfTimeRange); Forge reads steps in seconds to days, as cfgrib, not months or longer");
        }

        // The coded unit first: ecCodes converts nothing. When the statistical period is coded in a finer unit than
        // the forecast time (end not whole in the forecast time's unit), seconds.
        var (start, end, used) = TryReadIn(m, unit) ?? TryReadIn(m, Seconds)
            ?? throw new DataException($"{where}: ecCodes cannot give its forecast step (startStep/endStep) in {UnitNames[unit]} or in seconds");
        var length = Length(used) ?? throw new DataException($"{where}: ecCodes gave its forecast step in stepUnits {used}, which is not seconds to days");
        var startSeconds = checked(start * length);
        var endSeconds = checked(end * length);

        // cfgrib's GRIB_stepUnits, what ecCodes 2.28 reports after reading the step: hours when both ends are whole
        // hours, else the coded unit; for GRIB1 the code table 4 number as is (15 minutes = 13, 30 minutes = 14,
        // which ecCodes' stepUnits table calls seconds and 15 minutes: ecCodes then gives endStep in those units).
        var units = startSeconds % 3600 == 0 && endSeconds % 3600 == 0 ? Hours
            : m.TryGetLong("edition") == 1 && unit is 14 or 15 ? unit - 1
            : used;
        return new GribStep(startSeconds, endSeconds, units);
    }

    /// <summary>A step key's value for <c>inputs.grib.filter</c>: <c>step</c>/<c>endStep</c>/<c>startStep</c> in hours (cfgrib's step), <c>stepRange</c> as "start-end" hours, <c>stepUnits</c> as GRIB_stepUnits.</summary>
    public static string? FilterText(GribStep? step, string key)
    {
        if (step is not { } s) return null;
        return key switch
        {
            "step" or "endStep" => Hours(s.EndHours),
            "startStep" => Hours(s.StartHours),
            "stepRange" => s.StartSeconds == s.EndSeconds ? Hours(s.EndHours) : $"{Hours(s.StartHours)}-{Hours(s.EndHours)}",
            "stepUnits" => s.Units.ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, "not a step key"),
        };

        static string Hours(double h) => h.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>Seconds per unit of several messages' GRIB_stepUnits: the finest one (cfgrib needs them equal; Forge reads every step in seconds).</summary>
    public static long Finest(IEnumerable<long> units) => units.MinBy(u => Length(u) ?? long.MaxValue);

    private static long? Length(long unit) => unit is >= 0 and < 16 ? UnitSeconds[unit] : null;

    /// <summary>The coded unit of the forecast time as an ecCodes stepUnits code (GRIB1's code table 4 numbers 15/30 minutes and seconds differently).</summary>
    private static long? CodedUnit(EcCodesMessage m, string where)
    {
        var key = m.IsDefined("indicatorOfUnitOfTimeRange") ? "indicatorOfUnitOfTimeRange" : m.IsDefined("unitOfTimeRange") ? "unitOfTimeRange" : null;
        if (key is null) throw new DataException($"{where}: it has a forecast step but no indicatorOfUnitOfTimeRange key");
        var coded = m.TryGetLong(key);
        if (m.TryGetLong("edition") != 1) return coded;
        return coded switch
        {
            13 => 14, // 15 minutes
            14 => 15, // 30 minutes
            254 => Seconds,
            >= 0 and <= 12 => coded,
            _ => null,
        };
    }

    /// <summary>(startStep, endStep, the unit ecCodes says they are in) with stepUnits set to <paramref name="unit"/>, or null when ecCodes cannot express them in it.</summary>
    private static (long Start, long End, long Unit)? TryReadIn(EcCodesMessage m, long unit)
    {
        try
        {
            m.SetLong("stepUnits", unit);
            var end = m.GetLong("endStep");
            var start = m.GetLong("startStep");
            // ecCodes may ignore a unit it cannot honour: convert with the unit it reports, not the one asked for.
            var used = m.GetLong("stepUnits");
            return (start, end, used);
        }
        catch (EcCodesException)
        {
            return null;
        }
    }
}
