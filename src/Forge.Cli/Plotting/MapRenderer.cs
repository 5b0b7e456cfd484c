using SkiaSharp;

namespace Forge.Cli.Plotting;

/// <summary>
/// Draws a <see cref="MapFigure"/> as a PNG: each panel's cells as flat colours (nearest neighbour, no smoothing
/// across missing values), viridis from the finite minimum to the finite maximum of all panels, missing cells grey,
/// axes with coordinate ticks, a title, panel labels and a colour bar with the units.
/// </summary>
internal static class MapRenderer
{
    private static readonly SKColor Ink = new(0x20, 0x20, 0x20);

    public static MapLayout Render(MapFigure figure, Stream png)
    {
        var (rows, columns) = (figure.Rows, figure.Columns);
        foreach (var p in figure.Panels)
        {
            if (p.Values.Length != (long)rows * columns)
                throw new ArgumentException($"panel '{p.Label}' holds {p.Values.Length} values, the grid {rows}×{columns}");
        }

        var layout = MapLayout.For(rows, columns, figure.Panels.Count);
        var (lo, hi, anyMissing) = Range(figure.Panels);
        using var surface = SKSurface.Create(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = Ink, IsAntialias = true };
        using var line = new SKPaint { Color = Ink, IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var titleFont = PlotFonts.Font(17);
        using var font = PlotFonts.Font(12);

        canvas.DrawText(figure.Title, layout.Width / 2f, 24, SKTextAlign.Center, titleFont, ink);
        for (var i = 0; i < figure.Panels.Count; i++)
        {
            var rect = layout.Panels[i];
            using (var cells = Cells(figure, figure.Panels[i].Values, lo, hi))
            using (var image = SKImage.FromBitmap(cells))
                canvas.DrawImage(image, new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom), new SKSamplingOptions(SKFilterMode.Nearest), null);
            canvas.DrawRect(rect.Left - 0.5f, rect.Top - 0.5f, rect.Width + 1, rect.Height + 1, line);
            canvas.DrawText(Fit(figure.Panels[i].Label, font, rect.Width + layout.ColorBar.Width), rect.Left, rect.Top - 8, SKTextAlign.Left, font, ink);
            XAxis(canvas, figure.X, rect, columns, font, ink, line);
            if (i == 0) YAxis(canvas, figure.Y, rect, rows, font, ink, line);
        }

        ColorBar(canvas, layout, lo, hi, figure.Units, anyMissing, font, ink, line);
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(png);
        return layout;
    }

    /// <summary>The finite minimum and maximum over all panels (a constant field gets ±0.5), and whether any cell is missing.</summary>
    internal static (double Lo, double Hi, bool AnyMissing) Range(IReadOnlyList<MapPanel> panels)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        var missing = false;
        foreach (var p in panels)
        {
            foreach (var v in p.Values)
            {
                if (!double.IsFinite(v)) { missing = true; continue; }
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            }
        }

        if (lo > hi) return (0, 1, missing);
        if (lo == hi) return (lo - 0.5, hi + 0.5, missing);
        return (lo, hi, missing);
    }

    private static SKBitmap Cells(MapFigure figure, double[] values, double lo, double hi)
    {
        var (rows, columns) = (figure.Rows, figure.Columns);
        var bitmap = new SKBitmap(new SKImageInfo(columns, rows, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = new SKColor[rows * columns];
        var flipY = figure.RowZeroAtBottom;
        var flipX = figure.ColumnZeroAtRight;
        for (var r = 0; r < rows; r++)
        {
            var dr = flipY ? rows - 1 - r : r;
            for (var c = 0; c < columns; c++)
            {
                var v = values[r * columns + c];
                var dc = flipX ? columns - 1 - c : c;
                pixels[dr * columns + dc] = double.IsFinite(v) ? ColorMap.At((v - lo) / (hi - lo)) : ColorMap.Missing;
            }
        }

        bitmap.Pixels = pixels;
        return bitmap;
    }

    private static void XAxis(SKCanvas canvas, PlotAxis axis, SKRectI rect, int n, SKFont font, SKPaint ink, SKPaint line)
    {
        var (first, last) = (axis.Values[0], axis.Values[^1]);
        var (lo, hi) = first <= last ? (first, last) : (last, first);
        var cell = (float)rect.Width / n;
        foreach (var (v, label) in AxisTicks(axis, lo, hi, Math.Max(3, rect.Width / 100)))
        {
            var x = n == 1 || hi == lo ? rect.MidX : rect.Left + cell / 2 + (float)((v - lo) / (hi - lo)) * (rect.Width - cell);
            canvas.DrawLine(x, rect.Bottom, x, rect.Bottom + 5, line);
            canvas.DrawText(label, x, rect.Bottom + 18, SKTextAlign.Center, font, ink);
        }

        canvas.DrawText(AxisTitle(axis), rect.MidX, rect.Bottom + 36, SKTextAlign.Center, font, ink);
    }

    private static void YAxis(SKCanvas canvas, PlotAxis axis, SKRectI rect, int n, SKFont font, SKPaint ink, SKPaint line)
    {
        var (first, last) = (axis.Values[0], axis.Values[^1]);
        var (lo, hi) = first <= last ? (first, last) : (last, first);
        var cell = (float)rect.Height / n;
        foreach (var (v, label) in AxisTicks(axis, lo, hi, Math.Max(4, rect.Height / 60)))
        {
            var y = n == 1 || hi == lo ? rect.MidY : rect.Bottom - cell / 2 - (float)((v - lo) / (hi - lo)) * (rect.Height - cell);
            canvas.DrawLine(rect.Left - 5, y, rect.Left, y, line);
            canvas.DrawText(label, rect.Left - 8, y + 4, SKTextAlign.Right, font, ink);
        }

        canvas.Save();
        canvas.RotateDegrees(-90, 14, rect.MidY);
        canvas.DrawText(AxisTitle(axis), 14, rect.MidY, SKTextAlign.Center, font, ink);
        canvas.Restore();
    }

    private static IEnumerable<(double Value, string Label)> AxisTicks(PlotAxis axis, double lo, double hi, int approximately)
    {
        if (axis.Time is not null)
        {
            // Dates are wide: the ends and the middle.
            var picks = hi == lo ? new[] { lo } : [lo, (lo + hi) / 2, hi];
            return picks.Select(v => (v, Ticks.AxisLabel(axis, v, 0)));
        }

        var (values, step) = Ticks.Nice(lo, hi, approximately);
        return values.Select(v => (v, Ticks.AxisLabel(axis, v, step)));
    }

    private static string AxisTitle(PlotAxis axis) => axis.Units is { Length: > 0 } u && axis.Time is null ? $"{axis.Name} ({u})" : axis.Name;

    private static void ColorBar(SKCanvas canvas, MapLayout layout, double lo, double hi, string? units, bool anyMissing, SKFont font, SKPaint ink, SKPaint line)
    {
        var bar = layout.ColorBar;
        using var fill = new SKPaint { IsAntialias = false };
        for (var y = bar.Top; y < bar.Bottom; y++)
        {
            fill.Color = ColorMap.At(1 - (y - bar.Top + 0.5) / bar.Height);
            canvas.DrawRect(bar.Left, y, bar.Width, 1, fill);
        }

        canvas.DrawRect(bar.Left - 0.5f, bar.Top - 0.5f, bar.Width + 1, bar.Height + 1, line);
        var (values, step) = Ticks.Nice(lo, hi, Math.Max(2, bar.Height / 60));
        foreach (var v in values)
        {
            var y = bar.Bottom - (float)((v - lo) / (hi - lo)) * bar.Height;
            canvas.DrawLine(bar.Right, y, bar.Right + 4, y, line);
            canvas.DrawText(Ticks.Label(v, step), bar.Right + 7, y + 4, SKTextAlign.Left, font, ink);
        }

        if (units is { Length: > 0 }) canvas.DrawText(Fit(units, font, MapLayout.BarLabels + bar.Width), bar.Left, bar.Top - 8, SKTextAlign.Left, font, ink);
        if (anyMissing)
        {
            var s = layout.MissingSwatch;
            fill.Color = ColorMap.Missing;
            canvas.DrawRect(s.Left, s.Top, s.Width, s.Height, fill);
            canvas.DrawRect(s.Left - 0.5f, s.Top - 0.5f, s.Width + 1, s.Height + 1, line);
            canvas.DrawText("missing", s.Right + 7, s.Bottom - 2, SKTextAlign.Left, font, ink);
        }
    }

    /// <summary>The text, cut with an ellipsis to fit the width.</summary>
    internal static string Fit(string text, SKFont font, float width)
    {
        if (font.MeasureText(text) <= width) return text;
        var n = text.Length;
        while (n > 1 && font.MeasureText(text[..n] + "…") > width) n--;
        return text[..n] + "…";
    }
}
