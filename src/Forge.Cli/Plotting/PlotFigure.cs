using Forge.Core.Datasets.Cf;

namespace Forge.Cli.Plotting;

/// <summary>One axis of a plot: its dimension name, units and coordinate values (the index 0, 1, … without a coordinate).</summary>
/// <param name="Time">Set when the coordinate is a CF time ("days since …"): labels are decoded dates.</param>
internal sealed record PlotAxis(string Name, string? Units, double[] Values, CfTimeUnits? Time = null)
{
    public static PlotAxis Index(string name, long length) => new(name, null, [.. Enumerable.Range(0, checked((int)length)).Select(i => (double)i)]);
}

/// <summary>One 2-D field to draw: <paramref name="Values"/> in C order (rows along Y, columns along X), NaN where missing.</summary>
/// <param name="Label">What this panel is (e.g. <c>time = 1981-09-01</c>).</param>
internal sealed record MapPanel(double[] Values, string Label);

/// <summary>A map figure: one or more panels of the same field (shared colour scale and axes) with a colour bar.</summary>
internal sealed record MapFigure(string Title, string? Units, PlotAxis Y, PlotAxis X, IReadOnlyList<MapPanel> Panels)
{
    public int Rows => Y.Values.Length;

    public int Columns => X.Values.Length;

    /// <summary>
    /// Drawn as xarray does: Y values increase upwards and X values to the right, so a latitude stored north to
    /// south is not flipped and one stored south to north is.
    /// </summary>
    public bool RowZeroAtBottom => Y.Values is not [var first, .., var last] || last >= first;

    public bool ColumnZeroAtRight => X.Values is [var first, .., var last] && last < first;
}

/// <summary>A 1-D variable as a line: values against the axis, NaN leaves a gap.</summary>
internal sealed record LineFigure(string Title, string? Units, PlotAxis X, double[] Values);
