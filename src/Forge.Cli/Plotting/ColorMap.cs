using SkiaSharp;

namespace Forge.Cli.Plotting;

/// <summary>
/// Matplotlib's viridis (xarray's default for sequential data): perceptually uniform, readable in grey and by
/// colour-blind readers. Eleven anchors (viridis at 0, 0.1, …, 1) interpolated linearly in RGB.
/// </summary>
internal static class ColorMap
{
    private static readonly SKColor[] Anchors =
    [
        new(0x44, 0x01, 0x54), new(0x48, 0x24, 0x75), new(0x41, 0x44, 0x87), new(0x35, 0x5f, 0x8d),
        new(0x2a, 0x78, 0x8e), new(0x21, 0x91, 0x8c), new(0x22, 0xa8, 0x84), new(0x44, 0xbf, 0x70),
        new(0x7a, 0xd1, 0x51), new(0xbd, 0xdf, 0x26), new(0xfd, 0xe7, 0x25),
    ];

    /// <summary>Where values are missing (fill values, NaN): a neutral grey that viridis never produces.</summary>
    public static readonly SKColor Missing = new(0xc8, 0xc8, 0xc8);

    /// <summary>The colour of <paramref name="t"/> in [0, 1] (clamped).</summary>
    public static SKColor At(double t)
    {
        if (double.IsNaN(t)) return Missing;
        t = Math.Clamp(t, 0, 1) * (Anchors.Length - 1);
        var i = Math.Min((int)t, Anchors.Length - 2);
        var f = t - i;
        var (a, b) = (Anchors[i], Anchors[i + 1]);
        return new SKColor(Lerp(a.Red, b.Red, f), Lerp(a.Green, b.Green, f), Lerp(a.Blue, b.Blue, f));
    }

    private static byte Lerp(byte a, byte b, double f) => (byte)Math.Round(a + (b - a) * f);
}
