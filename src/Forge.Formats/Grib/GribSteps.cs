using Forge.Core.Datasets;
using Forge.Native.EcCodes;

namespace Forge.Formats.Grib;

/// <summary>
/// Forecast steps independent of ecCodes' key-read order. ecCodes 2.28 reports <c>endStep</c> in the unit of
/// <c>stepUnits</c>, whose value on a fresh handle is 1 (hours) but becomes the coded unit once a step key was read;
/// a 30-minute step then either fails ("step must be integer") or reads as 30 hours. Forge asks for seconds
/// explicitly (<c>stepUnits=s</c>, exact for every unit up to days) and reports the unit the message codes.
/// </summary>
internal static class GribSteps
{
    private const long Seconds = 13; // stepUnits.table: 13 = s

    /// <summary>
    /// ecCodes' <c>stepUnits</c> without its read-order state: 1 (hours) when start and end step are whole hours,
    /// else the unit the message codes (minutes 0, seconds 13, ...); null when the message has no forecast step.
    /// </summary>
    public static long? StepUnits(EcCodesMessage m, string where)
    {
        if (!m.IsDefined("endStep")) return null;
        SetSeconds(m, where);
        var start = m.TryGetLong("startStep") ?? 0;
        var end = m.TryGetLong("endStep") ?? 0;
        if (start % 3600 == 0 && end % 3600 == 0) return 1;
        var key = m.IsDefined("indicatorOfUnitOfTimeRange") ? "indicatorOfUnitOfTimeRange" : m.IsDefined("unitOfTimeRange") ? "unitOfTimeRange" : null;
        return key is null ? null : m.TryGetLong(key);
    }

    /// <summary>endStep in hours (cfgrib's <c>step</c>); null for products without a forecast step (e.g. template 4.31).</summary>
    public static double? EndStepHours(EcCodesMessage m, string where)
    {
        if (!m.IsDefined("endStep")) return null;
        SetSeconds(m, where);
        var end = m.TryGetLong("endStep") ?? throw new DataException($"{where}: no endStep key");
        return end / 3600.0;
    }

    private static void SetSeconds(EcCodesMessage m, string where)
    {
        try
        {
            m.SetLong("stepUnits", Seconds);
        }
        catch (EcCodesException ex)
        {
            throw new DataException($"{where}: its forecast step is not a whole number of seconds (months, years and decades are not supported): {ex.Message}", ex);
        }
    }
}
