using System.Globalization;
using Forge.Cli.Inspection;

namespace Forge.Cli.Plotting;

/// <summary>Axis and colour-bar ticks at round numbers (1, 2 or 5 × 10ⁿ), and their labels.</summary>
internal static class Ticks
{
    public static (double[] Values, double Step) Nice(double lo, double hi, int approximately)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi)) return ([], 0);
        if (hi < lo) (lo, hi) = (hi, lo);
        if (hi == lo) return ([lo], 0);
        var raw = (hi - lo) / Math.Max(1, approximately);
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = magnitude * (raw / magnitude < 1.5 ? 1 : raw / magnitude < 3 ? 2 : raw / magnitude < 7 ? 5 : 10);
        var values = new List<double>();
        for (var v = Math.Ceiling(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
            values.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ([.. values], step);
    }

    public static string Label(double value, double step)
    {
        var decimals = step is > 0 and < 1 ? (int)Math.Ceiling(-Math.Log10(step) - 1e-9) : 0;
        return Math.Abs(value) >= 1e6 || (value != 0 && Math.Abs(value) < 1e-4)
            ? value.ToString("G3", CultureInfo.InvariantCulture)
            : value.ToString("F" + Math.Min(decimals, 6), CultureInfo.InvariantCulture);
    }

    /// <summary>A tick label on an axis: a decoded date for CF times, else the rounded number.</summary>
    public static string AxisLabel(PlotAxis axis, double value, double step) =>
        axis.Time is { } t ? CoordinateRange.FormatTime(t, value) ?? Label(value, step) : Label(value, step);
}
