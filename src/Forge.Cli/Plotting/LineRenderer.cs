using SkiaSharp;

namespace Forge.Cli.Plotting;

/// <summary>Draws a <see cref="LineFigure"/> as a PNG: the values against the axis, gaps where values are missing.</summary>
internal static class LineRenderer
{
    public const int Width = 880, Height = 440, Left = 84, Top = 52, Right = 28, Bottom = 56;

    /// <summary>The plot area (inside the axes).</summary>
    public static SKRectI Area => new(Left, Top, Width - Right, Height - Bottom);

    /// <summary>The colour of the line (matplotlib's first colour, as xarray's .plot() draws a 1-D variable).</summary>
    public static readonly SKColor LineColor = new(0x1f, 0x77, 0xb4);

    public static void Render(LineFigure figure, Stream png)
    {
        var n = figure.Values.Length;
        if (figure.X.Values.Length != n) throw new ArgumentException($"{n} values against {figure.X.Values.Length} axis points");
        var area = Area;
        var (ylo, yhi) = YRange(figure.Values);
        var (xs0, xs1) = n == 0 ? (0, 1) : (Math.Min(figure.X.Values[0], figure.X.Values[^1]), Math.Max(figure.X.Values[0], figure.X.Values[^1]));
        if (xs0 == xs1) (xs0, xs1) = (xs0 - 0.5, xs1 + 0.5);

        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };
        using var frame = new SKPaint { Color = ink.Color, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var grid = new SKPaint { Color = new SKColor(0xe4, 0xe4, 0xe4), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var pen = new SKPaint { Color = LineColor, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round };
        using var dot = new SKPaint { Color = LineColor, IsAntialias = true };
        using var titleFont = PlotFonts.Font(17);
        using var font = PlotFonts.Font(12);

        float X(double v) => area.Left + (float)((v - xs0) / (xs1 - xs0)) * area.Width;
        float Y(double v) => area.Bottom - (float)((v - ylo) / (yhi - ylo)) * area.Height;

        canvas.DrawText(figure.Title, Width / 2f, 26, SKTextAlign.Center, titleFont, ink);
        var (yticks, ystep) = Ticks.Nice(ylo, yhi, 6);
        foreach (var v in yticks)
        {
            canvas.DrawLine(area.Left, Y(v), area.Right, Y(v), grid);
            canvas.DrawText(Ticks.Label(v, ystep), area.Left - 8, Y(v) + 4, SKTextAlign.Right, font, ink);
        }

        IEnumerable<(double, string)> xticks = figure.X.Time is not null
            ? new[] { xs0, (xs0 + xs1) / 2, xs1 }.Select(v => (v, Ticks.AxisLabel(figure.X, v, 0)))
            : Ticks.Nice(xs0, xs1, 8) is var (xv, xstep) ? xv.Select(v => (v, Ticks.AxisLabel(figure.X, v, xstep))) : [];
        foreach (var (v, label) in xticks)
        {
            canvas.DrawLine(X(v), area.Bottom, X(v), area.Bottom + 5, frame);
            canvas.DrawText(label, X(v), area.Bottom + 19, SKTextAlign.Center, font, ink);
        }

        canvas.DrawText(figure.X.Units is { Length: > 0 } u && figure.X.Time is null ? $"{figure.X.Name} ({u})" : figure.X.Name, area.MidX, Height - 14, SKTextAlign.Center, font, ink);
        if (figure.Units is { Length: > 0 } units)
        {
            canvas.Save();
            canvas.RotateDegrees(-90, 18, area.MidY);
            canvas.DrawText(units, 18, area.MidY, SKTextAlign.Center, font, ink);
            canvas.Restore();
        }

        // Runs of finite values are joined by segments; a run of one value is a dot.
        pen.StrokeCap = SKStrokeCap.Round;
        var runLength = 0;
        for (var i = 0; i < n; i++)
        {
            var v = figure.Values[i];
            if (!double.IsFinite(v)) { if (runLength == 1) DotAt(i - 1); runLength = 0; continue; }
            if (runLength++ > 0) canvas.DrawLine(X(figure.X.Values[i - 1]), Y(figure.Values[i - 1]), X(figure.X.Values[i]), Y(v), pen);
        }

        if (runLength == 1) DotAt(n - 1);
        if (n <= 60)
        {
            for (var i = 0; i < n; i++)
            {
                if (double.IsFinite(figure.Values[i])) DotAt(i);
            }
        }

        canvas.DrawRect(area.Left - 0.5f, area.Top - 0.5f, area.Width + 1, area.Height + 1, frame);
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(png);

        void DotAt(int i) => canvas.DrawCircle(X(figure.X.Values[i]), Y(figure.Values[i]), 3, dot);
    }

    private static (double Lo, double Hi) YRange(double[] values)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (!double.IsFinite(v)) continue;
            lo = Math.Min(lo, v);
            hi = Math.Max(hi, v);
        }

        if (lo > hi) return (0, 1);
        if (lo == hi) return (lo - 0.5, hi + 0.5);
        var pad = (hi - lo) * 0.05;
        return (lo - pad, hi + pad);
    }
}
