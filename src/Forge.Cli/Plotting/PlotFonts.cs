using SkiaSharp;

namespace Forge.Cli.Plotting;

/// <summary>
/// The typeface for labels. SkiaSharp's NoDependencies build has no fontconfig, so a Debian font file is loaded by
/// path (fonts-dejavu-core, installed by eng/setup.sh); without one, Skia's default typeface (which may draw no text).
/// </summary>
internal static class PlotFonts
{
    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    private static readonly Lazy<SKTypeface> Regular = new(() =>
        Candidates.Where(File.Exists).Select(SKTypeface.FromFile).FirstOrDefault(t => t is not null) ?? SKTypeface.Default);

    public static SKFont Font(float size) => new(Regular.Value, size) { Subpixel = true, Edging = SKFontEdging.Antialias };
}
