using Forge.Core.Datasets;
using Forge.Formats.Grib;

namespace Forge.Formats.Tests.Grib;

/// <summary>Hyperslab reads, filters and mixed-edition files.</summary>
[Collection(GribCollection.Name)]
public sealed class GribReadTests(GribFixtures fixtures)
{
    [Fact]
    public async Task Hyperslab_equals_the_slice_of_the_whole_variable()
    {
        await using var reader = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib2_ccsds.grib2"), null, CancellationToken.None);
        var t = reader.Schema.GetVariable("t");
        Assert.Equal(["step", "isobaricInhPa", "latitude", "longitude"], t.Dimensions.ToArray());
        var all = await GribTestData.ReadAllAsync(reader, "t");
        long[] start = [1, 0, 5, 30], count = [2, 2, 3, 6];
        var part = await GribTestData.ReadAsync(reader, "t", start, count);
        var i = 0;
        for (var a = 0; a < count[0]; a++)
        for (var b = 0; b < count[1]; b++)
        for (var c = 0; c < count[2]; c++)
        for (var d = 0; d < count[3]; d++)
        {
            var flat = ((((start[0] + a) * 3) + start[1] + b) * 18 + start[2] + c) * 36 + start[3] + d;
            Assert.Equal(all[flat], part[i++]);
        }
    }

    [Fact]
    public async Task Read_outside_the_variable_names_variable_and_dimension()
    {
        await using var reader = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib2_simple.grib2"), null, CancellationToken.None);
        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await reader.ReadAsync("t", new long[] { 0, 0, 0, 30 }, new long[] { 1, 1, 1, 7 }, new byte[28]));
        Assert.Contains("'t'", ex.Message);
    }

    [Fact]
    public async Task Filter_selects_messages_like_cfgrib_filter_by_keys()
    {
        var options = new Dictionary<string, object?>
        {
            ["filter"] = new Dictionary<string, object?> { ["typeOfLevel"] = "isobaricInhPa", ["shortName"] = new List<string> { "t", "q" }, ["level"] = new List<object> { 850, "500" } },
        };
        var filter = GribFilter.FromOptions(options);
        Assert.NotNull(filter);
        await using var filtered = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib2_simple.grib2"), filter, CancellationToken.None);
        await using var whole = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib2_simple.grib2"), null, CancellationToken.None);

        Assert.Null(filtered.Schema.FindVariable("u"));
        Assert.Null(filtered.Schema.FindVariable("sp"));
        Assert.Equal([3L, 2, 18, 36], filtered.Schema.GetVariable("t").Shape.ToArray());
        var levels = await GribTestData.ReadAllAsync(filtered, "isobaricInhPa");
        Assert.Equal(new[] { 850.0, 500.0 }, levels);
        // Levels 850 and 500 are indexes 1 and 2 of the unfiltered variable.
        Assert.Equal(
            await GribTestData.ReadAsync(whole, "t", [0, 1, 0, 0], [3, 2, 18, 36]),
            await GribTestData.ReadAllAsync(filtered, "t"));
    }

    [Fact]
    public async Task Filter_matching_nothing_is_a_data_error()
    {
        var filter = new GribFilter(new Dictionary<string, IReadOnlyList<string>> { ["shortName"] = ["2t"] });
        var path = fixtures.PathOf("cdo_grib1_simple.grib");
        var ex = await Assert.ThrowsAnyAsync<DataException>(async () => await GribDatasetReader.OpenAsync(path, filter, CancellationToken.None));
        Assert.Contains(path, ex.Message);
        Assert.Contains("shortName", ex.Message);
    }

    [Fact]
    public void FromOptions_reads_strings_lists_and_numbers()
    {
        Assert.Null(GribFilter.FromOptions(null));
        Assert.Null(GribFilter.FromOptions(new Dictionary<string, object?>()));
        var filter = GribFilter.FromOptions(new Dictionary<string, object?>
        {
            ["filter"] = new Dictionary<string, object?> { ["typeOfLevel"] = "surface", ["shortName"] = new[] { "2t", "tp" }, ["level"] = 0 },
        })!;
        Assert.Equal(["surface"], filter.Keys["typeOfLevel"].ToArray());
        Assert.Equal(["2t", "tp"], filter.Keys["shortName"].ToArray());
        Assert.True(filter.Matches(k => k switch { "typeOfLevel" => "surface", "shortName" => "tp", "level" => "0", _ => null }));
        Assert.False(filter.Matches(k => k switch { "typeOfLevel" => "surface", "shortName" => "msl", "level" => "0", _ => null }));
        Assert.False(filter.Matches(k => k switch { "typeOfLevel" => "surface", "shortName" => "tp", _ => null }));
        Assert.Throws<ArgumentException>(() => GribFilter.FromOptions(new Dictionary<string, object?> { ["filter"] = "shortName=t" }));
    }

    [Fact]
    public async Task Mixed_grib1_and_grib2_messages_are_read_together()
    {
        Assert.NotNull(fixtures.DumpOf("mixed_editions.grib").Error); // cfgrib refuses mixed editions
        await using var mixed = await GribDatasetReader.OpenAsync(fixtures.PathOf("mixed_editions.grib"), null, CancellationToken.None);
        await using var grib1 = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib1_simple.grib"), null, CancellationToken.None);
        await using var grib2 = await GribDatasetReader.OpenAsync(fixtures.PathOf("cdo_grib2_simple.grib2"), null, CancellationToken.None);
        Assert.False(mixed.Schema.Attributes.Contains("GRIB_edition"));
        Assert.Equal(await GribTestData.ReadAllAsync(grib1, "t"), await GribTestData.ReadAllAsync(mixed, "t"));
        Assert.Equal(await GribTestData.ReadAllAsync(grib2, "sp"), await GribTestData.ReadAllAsync(mixed, "sp"));
    }

    [Fact]
    public async Task Concurrent_readers_on_several_threads_agree_with_sequential_reads()
    {
        string[] files = ["cdo_grib2_ccsds.grib2", "cdo_grib2_jpeg.grib2", "eccodes_grib2_complex.grib2", "cdo_grib1_simple.grib"];
        var sequential = new Dictionary<string, double[]>();
        foreach (var f in files)
        {
            await using var r = await GribDatasetReader.OpenAsync(fixtures.PathOf(f), null, CancellationToken.None);
            sequential[f] = await GribTestData.ReadAllAsync(r, "u");
        }

        var parallel = new System.Collections.Concurrent.ConcurrentDictionary<string, double[]>();
        await Parallel.ForEachAsync(files.Concat(files), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (f, ct) =>
        {
            await using var r = await GribDatasetReader.OpenAsync(fixtures.PathOf(f), null, ct);
            var values = await GribTestData.ReadAllAsync(r, "u");
            parallel.AddOrUpdate(f, values, (_, old) => old.SequenceEqual(values) ? old : throw new InvalidOperationException($"{f}: concurrent reads differ"));
        });

        foreach (var f in files) Assert.Equal(sequential[f], parallel[f]);
    }
}
