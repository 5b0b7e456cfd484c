using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Formats.Inspect;
using Forge.Formats.NetCdf;
using Forge.Formats.Tests.NetCdf;

namespace Forge.Formats.Tests.Remote;

/// <summary>
/// The managed classic header reader (used for range reads of remote files) against netCDF-C on every classic
/// fixture: the same schema (as CDL, coordinates and layouts) and the same bytes for every variable, whole and
/// in hyperslabs; damaged headers are DataExceptions naming the source, never a crash or a wrong schema.
/// </summary>
[Collection(NetCdfCollection.Name)]
public sealed class ClassicRangeReaderTests(NetCdfFixtures fixtures)
{
    public static TheoryData<string> ClassicFixtures => ["classic", "offset64", "cdf5_extended", "cdo_nc1", "cdo_nc2", "cdo_nc5", "xarray_example_1"];

    [Theory]
    [MemberData(nameof(ClassicFixtures))]
    public async Task Gives_the_schema_and_values_netcdf_c_gives(string name)
    {
        var path = fixtures.PathOf(name);
        await using var local = NetCdfDatasetReader.Open(path);
        var input = new FileRandomAccess(path);
        await using var remote = await new DatasetOpener().OpenHeaderAsync(input, "auto");
        Assert.NotNull(remote);
        Assert.Equal(DatasetSummary.Format(local.Schema, "f"), DatasetSummary.Format(remote.Schema, "f"));
        Assert.Equal(local.Schema.Dimensions.ToArray(), remote.Schema.Dimensions.ToArray());
        foreach (var v in local.Schema.Variables)
        {
            var r = remote.Schema.GetVariable(v.Name);
            Assert.Equal(v.IsCoordinate, r.IsCoordinate);
            Assert.Equal(v.Shape.ToArray(), r.Shape.ToArray());
            Assert.Equal(v.Attributes, r.Attributes);
            if (v.DataType == Forge.Core.Arrays.DataType.String) continue;
            await AssertSameAsync(local, remote, v, new long[v.Rank], [.. v.Shape]);
            // A hyperslab inside: one off each edge where the dimension allows it.
            var start = v.Shape.Select(n => n > 2 ? 1L : 0L).ToArray();
            var count = v.Shape.Select((n, d) => n > 2 ? n - 2 : n).ToArray();
            await AssertSameAsync(local, remote, v, start, count);
        }
    }

    private static async Task AssertSameAsync(IDatasetReader local, IDatasetReader remote, VariableSchema v, long[] start, long[] count)
    {
        var bytes = count.Aggregate(1L, (a, b) => a * b) * v.DataType.ElementSize();
        var expected = new byte[bytes];
        var actual = new byte[bytes];
        await local.ReadAsync(v.Name, start, count, expected);
        await remote.ReadAsync(v.Name, start, count, actual);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"variable '{v.Name}' at [{string.Join(", ", start)}] + [{string.Join(", ", count)}] differs");
    }

    [Fact]
    public async Task Reads_only_the_header_and_what_is_asked_for()
    {
        var path = fixtures.PathOf("cdo_nc1");
        var input = new FileRandomAccess(path);
        await using var reader = await new DatasetOpener().OpenHeaderAsync(input, "auto");
        Assert.NotNull(reader);
        Assert.True(input.BytesFetched < 4096, $"{input.BytesFetched} bytes read for the header");
    }

    public static TheoryData<string> NetCdf4Fixtures => ["nc4classic", "nc4_classic_types", "nc4_extended", "nc4_features", "cdo_nc4_zip1", "cdo_nc4c_zip1", "oisst", "xarray_bears"];

    [Theory]
    [MemberData(nameof(NetCdf4Fixtures))]
    public async Task NetCdf4_through_the_range_driver_gives_the_schema_and_values_netcdf_c_gives(string name)
    {
        var path = fixtures.PathOf(name);
        await using var local = NetCdfDatasetReader.Open(path);
        string? why = null;
        var input = new FileRandomAccess(path);
        await using var remote = await new DatasetOpener { RangeFallback = (_, reason) => why = reason }.OpenHeaderAsync(input, "auto");
        Assert.True(remote is not null, $"not read by range: {why}");
        Assert.Equal(DatasetSummary.Format(local.Schema, "f"), DatasetSummary.Format(remote.Schema, "f"));
        Assert.Equal(local.Schema.Dimensions.ToArray(), remote.Schema.Dimensions.ToArray());
        foreach (var v in local.Schema.Variables)
        {
            var r = remote.Schema.GetVariable(v.Name);
            Assert.Equal(v.IsCoordinate, r.IsCoordinate);
            Assert.Equal(v.Attributes, r.Attributes);
            Assert.Equal(v.Layout.Filters.ToArray(), r.Layout.Filters.ToArray());
            Assert.Equal(v.Layout.Chunks.IsDefault ? [] : v.Layout.Chunks.ToArray(), r.Layout.Chunks.IsDefault ? [] : r.Layout.Chunks.ToArray());
            if (v.DataType == DataType.String) continue;
            await AssertSameAsync(local, remote, v, new long[v.Rank], [.. v.Shape]);
            var start = v.Shape.Select(n => n > 2 ? 1L : 0L).ToArray();
            var count = v.Shape.Select((n, d) => n > 2 ? n - 2 : n).ToArray();
            await AssertSameAsync(local, remote, v, start, count);
        }
    }

    [Fact]
    public async Task A_netcdf4_header_and_its_coordinates_cost_a_small_part_of_the_file()
    {
        var path = fixtures.PathOf("oisst");
        var input = new FileRandomAccess(path);
        await using var reader = await new DatasetOpener().OpenHeaderAsync(input, "auto");
        Assert.NotNull(reader);
        var header = input.BytesFetched;
        foreach (var name in new[] { "time", "lat", "lon" })
        {
            var v = reader.Schema.GetVariable(name);
            await reader.ReadAsync(name, new long[] { 0 }, new long[] { v.Shape[0] }, new byte[v.Shape[0] * v.DataType.ElementSize()]);
        }

        // The fixture is small (84 KB); the large-file figure is RemoteHeaderTests'.
        Assert.True(header < 16384 && input.BytesFetched < input.Length / 3, $"{header} bytes for the header, {input.BytesFetched} with coordinates, of {input.Length}");
    }

    [Fact]
    public async Task Files_outside_what_netcdf_c_writes_are_not_read_by_range_and_say_why()
    {
        string? why = null;
        var opener = new DatasetOpener { RangeFallback = (_, reason) => why = reason };
        Assert.Null(await opener.OpenHeaderAsync(new FileRandomAccess(fixtures.PathOf("plain_h5py")), "auto"));
        Assert.NotNull(why);
        why = null;
        Assert.Null(await opener.OpenHeaderAsync(new FileRandomAccess(Path.Combine(fixtures.Directory, "groups.nc")), "auto"));
        Assert.Contains("sub-group", why, StringComparison.Ordinal);
        Assert.Null(await opener.OpenHeaderAsync(new FileRandomAccess(fixtures.PathOf("oisst")), "auto", new Dictionary<string, object?> { ["header_check"] = "child_process" }));
    }

    [Fact]
    public async Task A_truncated_file_names_the_url()
    {
        var path = fixtures.CopyOf("classic", "cut");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 7)]);
        var e = await Assert.ThrowsAsync<DataException>(async () => await new DatasetOpener().OpenHeaderAsync(new FileRandomAccess(path, "https://example.test/cut.nc"), "auto"));
        Assert.StartsWith("https://example.test/cut.nc: the file is truncated", e.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, bytes[..40]);
        e = await Assert.ThrowsAsync<DataException>(async () => await new DatasetOpener().OpenHeaderAsync(new FileRandomAccess(path, "https://example.test/cut.nc"), "auto"));
        Assert.StartsWith("https://example.test/cut.nc: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("cdf5_extended")]
    public async Task Damaged_headers_read_or_fail_naming_the_url(string name)
    {
        var original = File.ReadAllBytes(fixtures.PathOf(name));
        await using var clean = NetCdfDatasetReader.Open(fixtures.PathOf(name));
        var headerEnd = (int)Math.Min(original.Length, 2048);
        var path = fixtures.CopyOf(name, "flip");
        for (var at = 4; at < headerEnd; at += 3)
        {
            var damaged = (byte[])original.Clone();
            damaged[at] ^= 0xFF;
            File.WriteAllBytes(path, damaged);
            try
            {
                await using var reader = await new DatasetOpener().OpenHeaderAsync(new FileRandomAccess(path, "https://example.test/x.nc"), "auto");
                Assert.NotNull(reader);
            }
            catch (DataException e)
            {
                Assert.StartsWith("https://example.test/x.nc: ", e.Message, StringComparison.Ordinal);
            }
        }
    }
}
