using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Cli.Plotting;
using Forge.Integration.Tests.Infrastructure;
using SkiaSharp;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// <c>forge inspect STORE --plot VAR</c> and <c>forge run --plot</c>: the PNG's pixels are checked (known values at
/// known cells in viridis, missing cells grey, orientation, the colour bar), not only that a file appears.
/// </summary>
public sealed class PlotTests : IDisposable
{
    // Viridis at 0, 0.5 and 1 (matplotlib's table), written out here rather than taken from the renderer.
    private static readonly SKColor Low = new(0x44, 0x01, 0x54), Middle = new(0x21, 0x91, 0x8c), High = new(0xfd, 0xe7, 0x25);
    private static readonly SKColor Grey = new(0xc8, 0xc8, 0xc8);

    private readonly string _work = CliWork.TempDir("forge-plot-");

    public void Dispose() => CliWork.Delete(_work);

    /// <summary>
    /// A Zarr v2 store written by hand (raw chunks): t(time=2, lat=3, lon=4) int16, scale_factor 0.5, fill value -1.
    /// Step 1 holds raw 0 (→ 0.0) at [0,0], raw 10 (→ 5.0) at [1,2], raw 20 (→ 10.0) at [2,3] and the fill at [1,1].
    /// </summary>
    private string HandMadeStore(bool latitudeIncreasing)
    {
        var store = Path.Combine(_work, latitudeIncreasing ? "up.zarr" : "down.zarr");
        Directory.CreateDirectory(store);
        File.WriteAllText(Path.Combine(store, ".zgroup"), """{"zarr_format": 2}""");
        File.WriteAllText(Path.Combine(store, ".zattrs"), "{}");
        short[] step1 = [0, 4, 6, 8, 2, -1, 10, 12, 14, 16, 18, 20];
        short[] step0 = [20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 20, 0];
        Array("t", "<i2", [2, 3, 4], ["time", "lat", "lon"], """{"scale_factor": 0.5, "units": "K", "long_name": "test field"}""", "-1",
            [.. step0.Concat(step1).SelectMany(v => BitConverter.GetBytes(v))]);
        Array("lat", "<f8", [3], ["lat"], """{"units": "degrees_north"}""", "\"NaN\"", Doubles(latitudeIncreasing ? [-10, 0, 10] : [10, 0, -10]));
        Array("lon", "<f8", [4], ["lon"], """{"units": "degrees_east"}""", "\"NaN\"", Doubles([0, 90, 180, 270]));
        Array("time", "<f8", [2], ["time"], """{"units": "days since 2000-01-01", "calendar": "standard"}""", "\"NaN\"", Doubles([0.5, 1.5]));
        Array("series", "<f8", [6], ["x"], """{"units": "m"}""", "\"NaN\"", Doubles([0, 1, double.NaN, double.NaN, 3, 4]));
        return store;

        void Array(string name, string dtype, int[] shape, string[] dims, string attrs, string fill, byte[] data)
        {
            var dir = Path.Combine(store, name);
            Directory.CreateDirectory(dir);
            var shapeJson = string.Join(", ", shape);
            File.WriteAllText(Path.Combine(dir, ".zarray"),
                $$"""{"zarr_format": 2, "shape": [{{shapeJson}}], "chunks": [{{shapeJson}}], "dtype": "{{dtype}}", "compressor": null, "fill_value": {{fill}}, "filters": null, "order": "C"}""");
            var a = JsonNode.Parse(attrs)!.AsObject();
            a["_ARRAY_DIMENSIONS"] = new JsonArray([.. dims.Select(d => (JsonNode)d)]);
            File.WriteAllText(Path.Combine(dir, ".zattrs"), a.ToJsonString());
            File.WriteAllBytes(Path.Combine(dir, string.Join(".", shape.Select(_ => "0"))), data);
        }
    }

    private static byte[] Doubles(double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    private static void AssertColour(SKColor expected, SKColor actual, string where, int tolerance = 2)
    {
        var close = Math.Abs(expected.Red - actual.Red) <= tolerance && Math.Abs(expected.Green - actual.Green) <= tolerance && Math.Abs(expected.Blue - actual.Blue) <= tolerance;
        Assert.True(close, $"{where}: expected {expected}, found {actual}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_known_field_has_viridis_at_known_cells_grey_where_missing_and_north_up(bool latitudeIncreasing)
    {
        var store = HandMadeStore(latitudeIncreasing);
        var png = Path.Combine(_work, "t.png");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("inspect", store, "--plot", "t", "--time", "2000-01-02", "--out", png, "--json");
        Assert.True(code == 0, stderr);
        var doc = JsonNode.Parse(stdout)!;
        Assert.Equal("time = 2000-01-02T12:00:00", (string?)doc["panels"]![0]);
        Assert.Equal(0.0, (double)doc["min"]!);
        Assert.Equal(10.0, (double)doc["max"]!);
        Assert.Equal(1, (long)doc["missing"]!);

        using var bitmap = SKBitmap.Decode(png);
        var layout = MapLayout.For(3, 4, 1);
        Assert.Equal((layout.Width, layout.Height), (bitmap.Width, bitmap.Height));
        // Row 0 is latitude -10 when latitude increases (drawn at the bottom), +10 otherwise (drawn at the top).
        SKColor At(int row, int column) { var p = layout.CellCentre(0, row, column, 3, 4, rowZeroAtBottom: latitudeIncreasing); return bitmap.GetPixel(p.X, p.Y); }
        AssertColour(Low, At(0, 0), "cell [0,0] = 0.0");
        AssertColour(Middle, At(1, 2), "cell [1,2] = 5.0");
        AssertColour(High, At(2, 3), "cell [2,3] = 10.0");
        AssertColour(Grey, At(1, 1), "cell [1,1] = fill value");
        // Read without the layout: the cell with 0.0 is in the south-west corner when latitude increases, else north-west.
        var panel = layout.Panels[0];
        AssertColour(Low, bitmap.GetPixel(panel.Left + 3, latitudeIncreasing ? panel.Bottom - 3 : panel.Top + 3), "the corner holding row 0, column 0");

        // The colour bar runs from the maximum (top) to the minimum (bottom); the missing swatch is grey.
        var bar = layout.ColorBar;
        AssertColour(High, bitmap.GetPixel(bar.MidX, bar.Top + 1), "colour bar top", 6);
        AssertColour(Low, bitmap.GetPixel(bar.MidX, bar.Bottom - 1), "colour bar bottom", 6);
        AssertColour(Middle, bitmap.GetPixel(bar.MidX, bar.MidY), "colour bar middle", 6);
        AssertColour(Grey, bitmap.GetPixel(layout.MissingSwatch.MidX, layout.MissingSwatch.MidY), "missing swatch");
        // Margins are white: the title and labels are drawn in ink, not the map colours.
        AssertColour(SKColors.White, bitmap.GetPixel(2, 2), "corner");
    }

    [Fact]
    public async Task The_time_step_is_chosen_by_index_or_date_and_bad_choices_exit_2()
    {
        var store = HandMadeStore(true);
        var png = Path.Combine(_work, "first.png");
        var first = await ForgeCli.RunAsync("inspect", store, "--plot", "t", "--time", "0", "--out", png);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("time = 2000-01-01T12:00:00", first.Stdout, StringComparison.Ordinal);
        using (var bitmap = SKBitmap.Decode(png))
        {
            var layout = MapLayout.For(3, 4, 1);
            var p = layout.CellCentre(0, 2, 3, 3, 4, rowZeroAtBottom: true);
            AssertColour(Low, bitmap.GetPixel(p.X, p.Y), "step 0, cell [2,3] = 0.0");
            p = layout.CellCentre(0, 0, 0, 3, 4, rowZeroAtBottom: true);
            AssertColour(High, bitmap.GetPixel(p.X, p.Y), "step 0, cell [0,0] = 10.0");
        }

        var last = await ForgeCli.RunAsync("inspect", store, "--plot", "t", "--time", "-1", "--out", png);
        Assert.Contains("time = 2000-01-02T12:00:00", last.Stdout, StringComparison.Ordinal);

        var outside = await ForgeCli.RunAsync("inspect", store, "--plot", "t", "--time", "2", "--out", png);
        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("--time 2: t has 2 steps along time", outside.Stderr, StringComparison.Ordinal);
        var late = await ForgeCli.RunAsync("inspect", store, "--plot", "t", "--time", "2001-01-01", "--out", png);
        Assert.Equal(2, late.ExitCode);
        Assert.Contains("outside time 2000-01-01T12:00:00 … 2000-01-02T12:00:00", late.Stderr, StringComparison.Ordinal);
        var typo = await ForgeCli.RunAsync("inspect", store, "--plot", "tt", "--out", png);
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("no variable 'tt' in the store (did you mean 't'?)", typo.Stderr, StringComparison.Ordinal);
        var alone = await ForgeCli.RunAsync("inspect", store, "--time", "0");
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--time goes with --plot VAR", alone.Stderr, StringComparison.Ordinal);
        var file = await ForgeCli.RunAsync("inspect", Repo.PathOf("recipes", "quickstart", "data", "oisst-avhrr-v02r01.19810901.nc"), "--plot", "sst");
        Assert.Equal(2, file.ExitCode);
        Assert.Contains("is not a Zarr store", file.Stderr, StringComparison.Ordinal);
        var series = await ForgeCli.RunAsync("inspect", store, "--plot", "series", "--time", "0", "--out", png);
        Assert.Equal(2, series.ExitCode);
        Assert.Contains("series is 1-D", series.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_1d_variable_is_a_line_with_a_gap_where_values_are_missing()
    {
        var store = HandMadeStore(true);
        var png = Path.Combine(_work, "series.png");
        var (code, _, stderr) = await ForgeCli.RunAsync("inspect", store, "--plot", "series", "--out", png);
        Assert.True(code == 0, stderr);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((LineRenderer.Width, LineRenderer.Height), (bitmap.Width, bitmap.Height));
        var area = LineRenderer.Area;
        // x = 0 … 5 spans the area; y = 0 … 4 padded by 5 % each side.
        int X(double x) => (int)Math.Round(area.Left + x / 5 * area.Width);
        int Y(double y) => (int)Math.Round(area.Bottom - (y + 0.2) / 4.4 * area.Height);
        bool LineNear(int x, int y) => Enumerable.Range(-2, 5).Any(dy => IsLine(bitmap.GetPixel(x, y + dy)));
        Assert.True(LineNear(X(0.5), Y(0.5)), "the segment from x=0 to x=1");
        Assert.True(LineNear(X(4.5), Y(3.5)), "the segment from x=4 to x=5");
        // Between x=1 and x=4 the values are missing: no line anywhere in that column.
        Assert.DoesNotContain(Enumerable.Range(area.Top + 1, area.Height - 2), y => IsLine(bitmap.GetPixel(X(2.5), y)));
    }

    private static bool IsLine(SKColor c) =>
        Math.Abs(c.Red - LineRenderer.LineColor.Red) < 40 && Math.Abs(c.Green - LineRenderer.LineColor.Green) < 40 && Math.Abs(c.Blue - LineRenderer.LineColor.Blue) < 40;

    [Fact]
    public async Task The_quickstart_map_matches_xarray_land_is_grey_and_run_plot_draws_first_and_last_step()
    {
        var store = Path.Combine(_work, "qs.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--prune", "3", "--target", store, "--progress", "none", "--plot");
        Assert.True(code == 0, stderr);
        var quickLook = Path.Combine(_work, "qs.png");
        Assert.Contains($"quick-look plot {quickLook}: anom at time = 1981-09-01T12:00:00; time = 1981-09-03T12:00:00", stderr, StringComparison.Ordinal);
        var two = MapLayout.For(180, 360, 2);
        using (var bitmap = SKBitmap.Decode(quickLook))
        {
            Assert.Equal((two.Width, two.Height), (bitmap.Width, bitmap.Height));
            // Latitude 80.5, longitude 50.5 is land in the synthetic inputs (row 170, column 50): grey in both panels.
            for (var panel = 0; panel < 2; panel++)
            {
                var p = two.CellCentre(panel, 170, 50, 180, 360, rowZeroAtBottom: true);
                AssertColour(Grey, bitmap.GetPixel(p.X, p.Y), $"panel {panel}: land");
            }
        }

        // One step of sst, against xarray reading the input file of that day.
        var png = Path.Combine(_work, "sst.png");
        var plot = await ForgeCli.RunAsync("inspect", store, "--plot", "sst", "--time", "1981-09-03", "--out", png, "--json");
        Assert.True(plot.ExitCode == 0, plot.Stderr);
        var doc = JsonNode.Parse(plot.Stdout)!;
        var peer = Processes.Check(Processes.Python, "-c", """
            import sys, xarray as xr, numpy as np
            s = xr.open_dataset(sys.argv[1]).sst.isel(time=0, zlev=0)
            print(float(s.min()), float(s.max()), int(s.isnull().sum()), float(s.sel(lat=0.5, lon=60.5)), bool(s.sel(lat=80.5, lon=50.5).isnull()))
            """, Repo.PathOf("recipes", "quickstart", "data", "oisst-avhrr-v02r01.19810903.nc")).Split(' ').Select(s => s.Trim()).ToArray();
        var (min, max) = (double.Parse(peer[0], CultureInfo.InvariantCulture), double.Parse(peer[1], CultureInfo.InvariantCulture));
        Assert.Equal(min, (double)doc["min"]!, 5);
        Assert.Equal(max, (double)doc["max"]!, 5);
        Assert.Equal(long.Parse(peer[2], CultureInfo.InvariantCulture), (long)doc["missing"]!);
        Assert.Equal("True", peer[4]);

        using var map = SKBitmap.Decode(png);
        var one = MapLayout.For(180, 360, 1);
        var land = one.CellCentre(0, 170, 50, 180, 360, rowZeroAtBottom: true);
        AssertColour(Grey, map.GetPixel(land.X, land.Y), "land");
        var sea = one.CellCentre(0, 90, 60, 180, 360, rowZeroAtBottom: true);
        var value = double.Parse(peer[3], CultureInfo.InvariantCulture);
        AssertColour(ColorMap.At((value - min) / (max - min)), map.GetPixel(sea.X, sea.Y), $"sea at 0.5N 60.5E = {value}");
    }

    [Fact]
    public async Task Run_plot_with_json_progress_reports_a_plot_event_before_the_summary()
    {
        var store = Path.Combine(_work, "j.zarr");
        var (code, stdout, stderr) = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--prune", "2", "--target", store, "--progress", "json", "--plot");
        Assert.True(code == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var plot = Assert.Single(events, e => (string?)e["event"] == "plot");
        Assert.Equal(Path.Combine(_work, "j.png"), (string?)plot["plot"]);
        Assert.True(File.Exists(Path.Combine(_work, "j.png")));
        Assert.Equal("summary", (string?)events[^1]["event"]);
    }
}
