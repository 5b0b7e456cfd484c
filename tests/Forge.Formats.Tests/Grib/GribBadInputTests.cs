using Forge.Core.Datasets;
using Forge.Formats.Grib;

namespace Forge.Formats.Tests.Grib;

/// <summary>Broken GRIB input fails with a <see cref="DataException"/> naming the file (and variable), never a crash.</summary>
[Collection(GribCollection.Name)]
public sealed class GribBadInputTests(GribFixtures fixtures) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-grib-bad-").FullName;

    [Theory]
    [InlineData("cdo_grib2_simple.grib2")]
    [InlineData("cdo_grib1_simple.grib")]
    public async Task Truncated_file_is_a_data_error_naming_the_file(string file)
    {
        var bytes = await File.ReadAllBytesAsync(fixtures.PathOf(file));
        foreach (var keep in new[] { bytes.Length - 1, bytes.Length - 4, bytes.Length / 2, 100, 20 })
        {
            var path = Path.Combine(_dir, $"truncated-{keep}-{file}");
            await File.WriteAllBytesAsync(path, bytes[..keep]);
            var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await OpenAndReadAllAsync(path));
            Assert.Contains(path, ex.Message);
        }
    }

    [Fact]
    public async Task File_without_grib_messages_is_a_data_error()
    {
        var path = Path.Combine(_dir, "not-grib.grib");
        await File.WriteAllTextAsync(path, "this is not GRIB\n");
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, null, CancellationToken.None));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public async Task Variable_on_two_grids_is_a_data_error_naming_file_and_variable()
    {
        Assert.NotNull(fixtures.DumpOf("bad_different_grids.grib2").Error); // cfgrib refuses it too
        var path = fixtures.PathOf("bad_different_grids.grib2");
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, null, CancellationToken.None));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'t'", ex.Message);
    }

    [Fact]
    public async Task Grid_whose_geometry_ecCodes_cannot_compute_is_an_error_naming_file_message_and_variable()
    {
        // Only "no latitudes" means values-only (as cfgrib); ecCodes failing to compute them is an error in cfgrib too.
        Assert.Contains("geographic", fixtures.DumpOf("bad_space_view.grib2").Error);
        var path = fixtures.PathOf("bad_space_view.grib2");
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, null, CancellationToken.None));
        Assert.Contains($"{path}: GRIB message 1 at byte 0, variable 't'", ex.Message);
        Assert.Contains("space_view", ex.Message);
    }

    [Fact]
    public async Task Different_grids_error_names_the_messages()
    {
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(fixtures.PathOf("bad_different_grids.grib2"), null, CancellationToken.None));
        Assert.Contains("(message 1)", ex.Message);
        Assert.Contains("(message 2)", ex.Message);
    }

    [Fact]
    public async Task Product_without_step_mixed_with_forecasts_names_both_messages_and_a_filter_separates_them()
    {
        var path = Path.Combine(_dir, "pdt31-and-forecast.grib2");
        await File.WriteAllBytesAsync(path, [.. await File.ReadAllBytesAsync(fixtures.PathOf("sample_GRIB2.grib")), .. await File.ReadAllBytesAsync(fixtures.PathOf("eccodes_grib2_pdt31.grib2"))]);
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, null, CancellationToken.None));
        // The level type differs first (template 4.31 has none): both messages are named, and a filter separates them.
        Assert.Contains($"{path}: GRIB variable 't'", ex.Message);
        Assert.Contains("(message 1)", ex.Message);
        Assert.Contains("(message 2)", ex.Message);
        var filter = new GribFilter(new Dictionary<string, IReadOnlyList<string>> { ["productDefinitionTemplateNumber"] = ["31"] });
        await using var reader = await GribDatasetReader.OpenAsync(path, filter, CancellationToken.None);
        Assert.Null(reader.Schema.FindVariable("step"));
    }

    [Fact]
    public async Task Step_in_months_is_an_error_naming_file_message_and_variable()
    {
        var path = Path.Combine(_dir, "months.grib2");
        GribFixtures.Run("grib_set", ["-s", "indicatorOfUnitOfTimeRange=3,forecastTime=2", fixtures.PathOf("sample_GRIB2.grib"), path]);
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, null, CancellationToken.None));
        Assert.Contains($"{path}: GRIB message 1 at byte 0, variable 't': its forecast step is in months", ex.Message);
    }

    [Fact]
    public async Task Variable_with_two_level_types_suggests_a_filter()
    {
        Assert.NotNull(fixtures.DumpOf("bad_two_level_types.grib2").Error); // cfgrib refuses it too
        var path = fixtures.PathOf("bad_two_level_types.grib2");
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, null, CancellationToken.None));
        Assert.Contains(path, ex.Message);
        Assert.Contains("'t'", ex.Message);
        Assert.Contains("typeOfLevel", ex.Message);

        // The suggested filter works.
        var filter = new GribFilter(new Dictionary<string, IReadOnlyList<string>> { ["typeOfLevel"] = ["isobaricInhPa"] });
        await using var reader = await GribDatasetReader.OpenAsync(path, filter, CancellationToken.None);
        Assert.Equal([3L, 3, 18, 36], reader.Schema.GetVariable("t").Shape.ToArray());
        Assert.Null(reader.Schema.FindVariable("sp"));
    }

    /// <summary>Deterministic bit flips over headers and data of several packings: each variant opens and reads, or fails with a DataException.</summary>
    [Theory]
    [InlineData("cdo_grib2_jpeg_missing.grib2")]
    [InlineData("cdo_grib1_p8_missing.grib")]
    [InlineData("sample_ccsds_grib2.grib")]
    [InlineData("sample_reduced_gg_pl_32_grib2.grib")]
    [InlineData("eccodes_grib2_complex_one.grib2")]
    public async Task Bit_flipped_files_never_crash(string file)
    {
        var original = await File.ReadAllBytesAsync(fixtures.PathOf(file));
        var random = new Random(1234);
        var positions = Enumerable.Range(0, Math.Min(200, original.Length)).Concat(Enumerable.Range(0, 60).Select(_ => random.Next(original.Length)));
        var failures = 0;
        foreach (var position in positions)
        {
            var corrupt = (byte[])original.Clone();
            corrupt[position] ^= (byte)(1 << (position % 8));
            var path = Path.Combine(_dir, $"flip-{position}-{file}");
            await File.WriteAllBytesAsync(path, corrupt);
            try
            {
                await OpenAndReadAllAsync(path);
            }
            catch (DataException ex)
            {
                Assert.Contains(path, ex.Message);
                failures++;
            }
            finally
            {
                File.Delete(path);
            }
        }

        Assert.True(failures > 0, "some bit flips (e.g. in the 'GRIB' or '7777' markers) must be detected");
    }

    private static async Task OpenAndReadAllAsync(string path)
    {
        await using var reader = await GribDatasetReader.OpenAsync(path, null, CancellationToken.None);
        foreach (var v in reader.Schema.Variables) _ = await GribTestData.ReadAllAsync(reader, v.Name);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
