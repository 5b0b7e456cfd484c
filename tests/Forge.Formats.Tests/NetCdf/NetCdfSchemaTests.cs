using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Formats.NetCdf;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>Header details: formats, attribute types and values, unlimited dims, coordinates, layouts, groups, strings.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class NetCdfSchemaTests(NetCdfFixtures fixtures)
{
    [Theory]
    [InlineData("classic", NetCdfFormat.Classic)]
    [InlineData("offset64", NetCdfFormat.Offset64)]
    [InlineData("cdf5_extended", NetCdfFormat.Cdf5)]
    [InlineData("nc4_extended", NetCdfFormat.NetCdf4)]
    [InlineData("nc4classic", NetCdfFormat.NetCdf4Classic)]
    [InlineData("cdo_nc5", NetCdfFormat.Cdf5)]
    [InlineData("cdo_nc4c_zip1", NetCdfFormat.NetCdf4Classic)]
    public async Task Reports_the_on_disk_format(string name, NetCdfFormat expected)
    {
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf(name));
        Assert.Equal(expected, reader.Format);
        Assert.Equal(fixtures.PathOf(name), reader.Source);
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("nc4_classic_types")]
    public async Task Classic_attributes_pass_through_with_their_types(string name)
    {
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf(name));
        var schema = reader.Schema;
        var sst = schema.GetVariable("sst");
        Assert.Equal(DataType.Int16, sst.DataType);
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int16, -999), sst.Attributes["_FillValue"]);
        Assert.Equal(AttributeValue.FromReals(DataType.Float32, 0.01f), sst.Attributes["scale_factor"]);
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int16, -300, 4500), sst.Attributes["valid_range"]);
        Assert.Equal("Daily sea surface temperature", sst.Attributes.GetText("long_name"));
        Assert.Equal(["_FillValue", "scale_factor", "add_offset", "valid_range", "long_name"], sst.Attributes.Select(a => a.Key));
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int8, 0, 1, 2), schema.GetVariable("flag").Attributes["flag_values"]);
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int32, int.MinValue, int.MaxValue), schema.GetVariable("count").Attributes["limits"]);
        Assert.Equal(AttributeValue.FromReals(DataType.Float64, 0.5, 0.25, -1.5e-300), schema.GetVariable("anomaly").Attributes["weights"]);
        Assert.Equal("days since 1981-01-01 00:00:00", schema.GetVariable("time").Attributes.GetText("units"));
        Assert.Equal("standard", schema.GetVariable("time").Attributes.GetText("calendar"));

        Assert.Equal(AttributeValue.FromIntegers(DataType.Int32, 42), schema.Attributes["answer"]);
        Assert.Equal(AttributeValue.FromReals(DataType.Float64, 3.14159265358979), schema.Attributes["pi"]);
        Assert.Equal(AttributeValue.FromReals(DataType.Float32, 0.5), schema.Attributes["ratio"]);
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int8, 1), schema.Attributes["tiny"]);
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int16, -7), schema.Attributes["small"]);
        Assert.Equal("Forge classic fixture", schema.Attributes.GetText("title"));

        Assert.Equal(new Dimension("time", 3, IsUnlimited: true), schema.FindDimension("time"));
        Assert.Equal(new Dimension("lat", 4), schema.FindDimension("lat"));
        Assert.True(schema.GetVariable("time").IsCoordinate);
        Assert.True(schema.GetVariable("lon").IsCoordinate);
        Assert.False(sst.IsCoordinate);
        Assert.Equal(DataType.Char, schema.GetVariable("station").DataType);
        Assert.Equal(["lon", "strlen"], schema.GetVariable("station").Dimensions.ToArray());
        Assert.Empty(schema.GetVariable("scalar_value").Shape);
    }

    [Theory]
    [InlineData("cdf5_extended")]
    [InlineData("nc4_extended")]
    public async Task Unsigned_and_64_bit_types_pass_through(string name)
    {
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf(name));
        var schema = reader.Schema;
        Assert.Equal(DataType.UInt8, schema.GetVariable("ub").DataType);
        Assert.Equal(AttributeValue.FromUnsigned(DataType.UInt8, 255), schema.GetVariable("ub").Attributes["_FillValue"]);
        Assert.Equal(AttributeValue.FromUnsigned(DataType.UInt16, 0, 65535), schema.GetVariable("us").Attributes["levels"]);
        Assert.Equal(AttributeValue.FromUnsigned(DataType.UInt32, uint.MaxValue), schema.GetVariable("ui").Attributes["levels"]);
        Assert.Equal(AttributeValue.FromIntegers(DataType.Int64, -long.MaxValue, long.MaxValue), schema.GetVariable("i64").Attributes["levels"]);
        Assert.Equal(AttributeValue.FromUnsigned(DataType.UInt64, ulong.MaxValue), schema.GetVariable("u64").Attributes["levels"]);
        Assert.Equal(AttributeValue.FromUnsigned(DataType.UInt64, ulong.MaxValue), schema.Attributes["big"]);
        Assert.Equal("café", schema.GetVariable("c").Attributes.GetText("text"));
        Assert.Equal(new Dimension("rec", 2, IsUnlimited: true), schema.FindDimension("rec"));

        var u64 = new byte[6 * 8];
        await reader.ReadAsync("u64", new long[] { 0, 0 }, new long[] { 2, 3 }, u64);
        Assert.Equal(ulong.MaxValue, BitConverter.ToUInt64(u64, 8));
    }

    [Fact]
    public async Task NetCdf4_layout_strings_and_partial_records()
    {
        var path = fixtures.PathOf("nc4_features");
        await using var reader = NetCdfDatasetReader.Open(path);
        var schema = reader.Schema;
        var temp = schema.GetVariable("temp").Layout;
        Assert.Equal([2L, 4, 4], temp.Chunks.ToArray());
        Assert.Equal(["fletcher32", "shuffle", "deflate(1)"], temp.Filters.ToArray());
        Assert.Equal(["shuffle", "deflate(5)"], schema.GetVariable("packed").Layout.Filters.ToArray());
        Assert.Equal(["deflate(2)"], schema.GetVariable("dbig").Layout.Filters.ToArray());
        Assert.False(schema.GetVariable("plain").Layout.IsChunked);
        Assert.Empty(schema.GetVariable("plain").Layout.Filters);
        Assert.Equal([7L, 2], schema.GetVariable("shuffled_only").Layout.Chunks.ToArray());

        Assert.Equal("sst\nocean", schema.Attributes.GetText("keywords"));
        Assert.Equal("ncgen", schema.Attributes.GetText("source"));

        var names = schema.GetVariable("names");
        Assert.Equal(DataType.String, names.DataType);
        var error = await Assert.ThrowsAsync<DataException>(() => reader.ReadAsync("names", new long[] { 0 }, new long[] { 1 }, Memory<byte>.Empty).AsTask());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'names'", error.Message, StringComparison.Ordinal);
        Assert.Contains("string variables are not supported", error.Message, StringComparison.Ordinal);

        // Records never written read as the fill value, as netCDF-C defines.
        var bytes = new byte[4 * 9 * sizeof(float)];
        await reader.ReadAsync("partial", new long[] { 0, 0 }, new long[] { 4, 9 }, bytes);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 0));
        Assert.Equal(-1f, BitConverter.ToSingle(bytes, 9 * 4));
    }

    [Fact]
    public async Task Classic_family_variables_are_contiguous_without_filters()
    {
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf("classic"));
        Assert.All(reader.Schema.Variables, v => Assert.Equal(StorageLayout.Contiguous, v.Layout));
    }

    [Fact]
    public async Task Variables_in_sub_groups_are_rejected_unless_ignored()
    {
        var path = Path.Combine(fixtures.Directory, "groups.nc");
        var error = Assert.Throws<DataException>(() => NetCdfDatasetReader.Open(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("'/forecast'", error.Message, StringComparison.Ordinal);
        // The hint names the recipe key that really changes it (it once suggested a sub_groups key no recipe accepted).
        Assert.Contains("`inputs.netcdf.sub_groups: ignore`", error.Message, StringComparison.Ordinal);

        await using var reader = NetCdfDatasetReader.Open(path, new NetCdfReadOptions(SubGroups: SubGroupPolicy.Ignore));
        Assert.Equal(["x"], reader.Schema.Variables.Select(v => v.Name));
        Assert.Equal(new SkippedGroup("/forecast", 1), Assert.Single(reader.SkippedGroups));
    }

    [Fact]
    public async Task Unknown_variable_and_bad_regions_name_the_culprit()
    {
        var path = fixtures.PathOf("classic");
        await using var reader = NetCdfDatasetReader.Open(path);
        var missing = await Assert.ThrowsAsync<DataException>(() => reader.ReadAsync("nope", new long[] { 0 }, new long[] { 1 }, new byte[4]).AsTask());
        Assert.Contains(path, missing.Message, StringComparison.Ordinal);
        Assert.Contains("'nope'", missing.Message, StringComparison.Ordinal);
        var outside = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => reader.ReadAsync("lat", new long[] { 2 }, new long[] { 3 }, new byte[12]).AsTask());
        Assert.Contains("'lat'", outside.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => reader.ReadAsync("lat", new long[] { 0 }, new long[] { 4 }, new byte[15]).AsTask());
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("nc4")]
    [InlineData("cdf5")]
    public async Task Zero_records_and_empty_attributes(string kind)
    {
        var path = Path.Combine(fixtures.Directory, $"edge-{kind}.nc");
        ExternalTool.Run("ncgen", "-b", "-k", kind, "-o", path, ExternalTool.Script("edge_cases.cdl"));
        await using var reader = NetCdfDatasetReader.Open(path);
        var v = reader.Schema.GetVariable("v");
        Assert.Equal([0L, 3], v.Shape.ToArray());
        Assert.Equal(string.Empty, v.Attributes.GetText("empty"));
        Assert.Equal("m", v.Attributes.GetText("units"));
        await reader.ReadAsync("v", new long[] { 0, 0 }, new long[] { 0, 3 }, Memory<byte>.Empty);
        var w = new byte[12];
        await reader.ReadAsync("w", new long[] { 0 }, new long[] { 3 }, w);
        Assert.Equal(3, BitConverter.ToInt32(w, 8));
    }
}
