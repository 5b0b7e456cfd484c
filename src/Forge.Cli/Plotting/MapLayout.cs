using SkiaSharp;

namespace Forge.Cli.Plotting;

/// <summary>
/// Where everything of a map figure goes, in pixels: a pure function of the grid and panel count, so tests find a
/// cell's pixel without reading the renderer. Cells are square while the map's aspect stays between 1:4 and 4:1.
/// </summary>
internal sealed record MapLayout(int Width, int Height, IReadOnlyList<SKRectI> Panels, SKRectI ColorBar, SKRectI MissingSwatch)
{
    public const int Left = 76, Top = 62, Bottom = 52, PanelGap = 36, BarGap = 22, BarWidth = 18, BarLabels = 76;
    public const int MaxMapWidth = 760, MaxMapHeight = 480;

    /// <summary>All panels together: 760 px for one, wider for side-by-side panels (at most 1400).</summary>
    private static double MaxWidth(int panels) => Math.Min(MaxMapWidth + 360 * (panels - 1), 1400);

    public static MapLayout For(int rows, int columns, int panels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(panels, 1);
        var maxWidth = MaxWidth(panels);
        var scale = Math.Min(maxWidth / panels / columns, (double)MaxMapHeight / rows);
        double w = columns * scale, h = rows * scale;
        // A very wide or tall grid (one row of 360) would be a sliver: stretch the short side up to 1:4.
        if (w > 4 * h) h = Math.Min(w / 4, MaxMapHeight);
        if (h > 4 * w) w = Math.Min(h / 4, maxWidth / panels);
        var mapW = Math.Max(1, (int)Math.Round(w));
        var mapH = Math.Max(1, (int)Math.Round(h));
        var list = new List<SKRectI>(panels);
        for (var p = 0; p < panels; p++)
        {
            var x = Left + p * (mapW + PanelGap);
            list.Add(new SKRectI(x, Top, x + mapW, Top + mapH));
        }

        var barX = list[^1].Right + BarGap;
        var barH = Math.Max(mapH, 100);
        var bar = new SKRectI(barX, Top, barX + BarWidth, Top + barH);
        var swatch = new SKRectI(barX, bar.Bottom + 10, barX + BarWidth, bar.Bottom + 24);
        var width = bar.Right + BarLabels;
        var height = Math.Max(Top + mapH + Bottom, swatch.Bottom + 16);
        return new MapLayout(width, height, list, bar, swatch);
    }

    /// <summary>The pixel at the centre of cell (row, column) of a panel, as drawn (row 0 at the bottom when Y increases).</summary>
    public SKPointI CellCentre(int panel, int row, int column, int rows, int columns, bool rowZeroAtBottom, bool columnZeroAtRight = false)
    {
        var r = Panels[panel];
        var displayRow = rowZeroAtBottom ? rows - 1 - row : row;
        var displayColumn = columnZeroAtRight ? columns - 1 - column : column;
        return new SKPointI(
            r.Left + (int)((displayColumn + 0.5) * r.Width / columns),
            r.Top + (int)((displayRow + 0.5) * r.Height / rows));
    }
}
