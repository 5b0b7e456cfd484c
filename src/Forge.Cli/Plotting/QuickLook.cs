using System.Globalization;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Cli.Plotting;

/// <summary>What a plot shows, for the one line (or JSON) that reports it.</summary>
internal sealed record PlotReport(string Path, string Variable, IReadOnlyList<string> Panels, double? Min, double? Max, long Missing, string? Units, int Width, int Height);

/// <summary>
/// Quick-look PNGs of a Zarr store: <c>forge inspect STORE --plot VAR [--time T]</c> (one step of a map, or a 1-D
/// variable as a line) and <c>forge run --plot</c> (the first data variable at its first and last step, side by side).
/// A map is the variable's last two dimensions; a leading time dimension is chosen by <c>--time</c> (an index,
/// negative from the end, or a date: the nearest step); other leading dimensions are taken at index 0.
/// </summary>
internal static class QuickLook
{
    public static async Task<PlotReport> PlotAsync(IReadableStore store, string variable, string? time, string outPath, CancellationToken ct)
    {
        Forge.Cli.Composition.Readers.RegisterNativeCodecs();
        var group = await ZarrGroupReader.OpenAsync(store, ct);
        var v = StoreVariable.Open(group, variable);
        return await PlotAsync(v, time is null ? [null] : [time], outPath, ct);
    }

    /// <summary>The first data variable (not a coordinate; the most dimensions, then by name) at its first and last step.</summary>
    public static async Task<PlotReport?> RunPlotAsync(IReadableStore store, string outPath, CancellationToken ct)
    {
        Forge.Cli.Composition.Readers.RegisterNativeCodecs();
        var group = await ZarrGroupReader.OpenAsync(store, ct);
        var data = group.Arrays
            .Where(kv => kv.Value.DataType is not (Core.Arrays.DataType.String or Core.Arrays.DataType.Char) && kv.Value.Rank >= 1)
            .Where(kv => !(kv.Value.Rank == 1 && kv.Value.DimensionNames is [var d] && d == kv.Key))
            .OrderByDescending(kv => Math.Min(kv.Value.Rank, 3)).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key).FirstOrDefault();
        if (data is null) return null;
        var v = StoreVariable.Open(group, data);
        string?[] steps = TimeDimension(v) is { } t && v.Metadata.Shape[t] > 1 ? ["0", "-1"] : [null];
        return await PlotAsync(v, steps, outPath, ct);
    }

    private static async Task<PlotReport> PlotAsync(StoreVariable v, string?[] timeSpecs, string outPath, CancellationToken ct)
    {
        var rank = v.Metadata.Rank;
        if (rank == 0) throw new UsageException($"--plot: {v.Name} is a scalar; there is nothing to plot");
        var title = v.LongName is { } ln && ln != v.Name ? $"{v.Name}: {ln}" : v.Name;
        if (v.Units is { Length: > 0 } u) title += $" ({u})";
        var full = Path.GetFullPath(outPath);
        if (Path.GetDirectoryName(full) is { } dir) Directory.CreateDirectory(dir);
        var partial = full + ".partial";
        if (rank == 1)
        {
            if (timeSpecs is [not null, ..]) throw new UsageException($"--time: {v.Name} is 1-D ({v.Dimensions[0]}); it is drawn whole as a line");
            var axis = await v.AxisAsync(0, ct);
            var values = await v.ReadAsync([0], [v.Metadata.Shape[0]], ct);
            await using (var png = File.Create(partial)) LineRenderer.Render(new LineFigure(title, v.Units, axis, values), png);
            File.Move(partial, full, true);
            return Report(full, v, [$"all {values.Length} values along {v.Dimensions[0]}"], [values], LineRenderer.Width, LineRenderer.Height);
        }

        var timeDim = TimeDimension(v);
        if (timeSpecs is [not null, ..] && timeDim is null)
            throw new UsageException($"--time: {v.Name} ({string.Join(", ", v.Dimensions)}) has no time dimension before its last two");
        var axes = new PlotAxis?[rank];
        var yAxis = await v.AxisAsync(rank - 2, ct);
        var xAxis = await v.AxisAsync(rank - 1, ct);
        var panels = new List<MapPanel>();
        foreach (var spec in timeSpecs)
        {
            var start = new long[rank];
            var count = new long[rank];
            var label = new List<string>();
            for (var d = 0; d < rank - 2; d++)
            {
                count[d] = 1;
                if (v.Metadata.Shape[d] == 0) throw new UsageException($"--plot: {v.Name} has no values along {v.Dimensions[d]}");
                axes[d] ??= await v.AxisAsync(d, ct);
                start[d] = d == timeDim ? TimeIndex(spec ?? "0", axes[d]!, v.Name) : 0;
                label.Add($"{v.Dimensions[d]} = {AxisValue(axes[d]!, start[d])}");
            }

            count[rank - 2] = v.Metadata.Shape[rank - 2];
            count[rank - 1] = v.Metadata.Shape[rank - 1];
            if (count[rank - 2] == 0 || count[rank - 1] == 0) throw new UsageException($"--plot: {v.Name} has an empty {v.Dimensions[rank - 2]} × {v.Dimensions[rank - 1]} grid");
            panels.Add(new MapPanel(await v.ReadAsync(start, count, ct), label.Count == 0 ? v.Name : string.Join(", ", label)));
        }

        MapLayout layout;
        await using (var png = File.Create(partial)) layout = MapRenderer.Render(new MapFigure(title, v.Units, yAxis, xAxis, panels), png);
        File.Move(partial, full, true);
        return Report(full, v, [.. panels.Select(p => p.Label)], [.. panels.Select(p => p.Values)], layout.Width, layout.Height);
    }

    private static PlotReport Report(string path, StoreVariable v, string[] panels, double[][] values, int width, int height)
    {
        var finite = values.SelectMany(x => x).Where(double.IsFinite).ToArray();
        var missing = values.Sum(x => x.LongCount(d => !double.IsFinite(d)));
        return new PlotReport(path, v.Name, panels, finite.Length > 0 ? finite.Min() : null, finite.Length > 0 ? finite.Max() : null, missing, v.Units, width, height);
    }

    /// <summary>The leading dimension (before the map's two) named "time", else the first whose coordinate is a CF time.</summary>
    private static int? TimeDimension(StoreVariable v)
    {
        var leading = Enumerable.Range(0, Math.Max(0, v.Metadata.Rank - 2)).ToArray();
        foreach (var d in leading)
        {
            if (v.Dimensions[d] == "time") return d;
        }

        foreach (var d in leading)
        {
            if (v.HasTimeCoordinate(d)) return d;
        }

        return null;
    }

    /// <summary>--time: an index (negative counts from the end) or a date/time, matched to the nearest step.</summary>
    internal static long TimeIndex(string spec, PlotAxis axis, string variable)
    {
        var n = axis.Values.Length;
        if (long.TryParse(spec, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            var i = index < 0 ? n + index : index;
            if (i < 0 || i >= n) throw new UsageException($"--time {spec}: {variable} has {n} steps along {axis.Name} (0 … {n - 1}, or -1 for the last)");
            return i;
        }

        if (axis.Time is not { } cf)
            throw new UsageException($"--time '{spec}': {axis.Name} is not a CF time coordinate; give a step index (0 … {n - 1})");
        if (!DateTime.TryParse(spec, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
            throw new UsageException($"--time '{spec}' is neither a step index nor a date such as 1981-09-05 or 1981-09-05T12:00");
        var day = Core.Datasets.Cf.CfCalendar.DayNumber(cf.Calendar, when.Year, when.Month, when.Day);
        var wanted = day * Core.Datasets.Cf.CfTimeUnits.MicrosPerDay + when.TimeOfDay.Ticks / 10;
        // A date without a time of day means that day: its first step (daily data stamped at noon included).
        var dateOnly = !spec.Contains('T', StringComparison.Ordinal) && !spec.Contains(' ', StringComparison.Ordinal);
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        for (var i = 0; i < n; i++)
        {
            var at = cf.ToAbsoluteMicros(axis.Values[i]);
            if (dateOnly && Math.Floor(at / Core.Datasets.Cf.CfTimeUnits.MicrosPerDay) == day) return i;
            var distance = Math.Abs(at - wanted);
            if (distance < bestDistance) (best, bestDistance) = (i, distance);
        }

        // Nearest, as xarray's sel(method="nearest"), but not beyond one step outside the axis.
        var stepMicros = n > 1 ? Math.Abs(cf.ToAbsoluteMicros(axis.Values[^1]) - cf.ToAbsoluteMicros(axis.Values[0])) / (n - 1) : Core.Datasets.Cf.CfTimeUnits.MicrosPerDay;
        if (best < 0 || bestDistance > Math.Max(stepMicros, 1))
            throw new UsageException($"--time {spec}: outside {axis.Name} {AxisValue(axis, 0)} … {AxisValue(axis, n - 1)}");
        return best;
    }

    private static string AxisValue(PlotAxis axis, long index)
    {
        var value = axis.Values[index];
        return axis.Time is { } t ? Inspection.CoordinateRange.FormatTime(t, value) ?? "NaT" : value.ToString("G6", CultureInfo.InvariantCulture);
    }
}
