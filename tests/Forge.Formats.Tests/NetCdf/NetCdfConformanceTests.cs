using Forge.Core.Arrays;
using Forge.Formats.NetCdf;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>Every fixture, every variable: Forge's bytes equal netCDF4-python's raw read, through both read paths.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class NetCdfConformanceTests(NetCdfFixtures fixtures)
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in NetCdfFixtures.Names)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Schema_matches_netcdf4_python(string name, bool directChunks)
    {
        var manifest = fixtures.Manifest(name);
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf(name), new NetCdfReadOptions(DirectChunks: directChunks));
        var schema = reader.Schema;

        Assert.Equal(manifest.Dims.Select(d => (d.Name, d.Size, d.Unlimited)), schema.Dimensions.Select(d => (d.Name, d.Length, d.IsUnlimited)));
        Assert.Equal(manifest.Attributes, schema.Attributes.Select(a => a.Key));
        Assert.Equal(manifest.Variables.Select(v => v.Name), schema.Variables.Select(v => v.Name));
        foreach (var expected in manifest.Variables)
        {
            var actual = schema.GetVariable(expected.Name);
            Assert.Equal(expected.Dims, actual.Dimensions);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.Equal(ExpectedType(expected.Dtype), actual.DataType);
            Assert.Equal(expected.Attributes, actual.Attributes.Select(a => a.Key));
            Assert.Equal(actual.Dimensions.Length == 1 && actual.Dimensions[0] == actual.Name, actual.IsCoordinate);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_variable_reads_the_same_bytes_as_netcdf4_python(string name, bool directChunks)
    {
        var manifest = fixtures.Manifest(name);
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf(name), new NetCdfReadOptions(DirectChunks: directChunks));
        var checkedVariables = 0;
        foreach (var v in manifest.Variables.Where(v => v.Dtype != "str"))
        {
            var schema = reader.Schema.GetVariable(v.Name);
            var expected = fixtures.RawBytes(name, v.Name);
            var actual = new byte[schema.ByteCount];
            await reader.ReadAsync(v.Name, new long[schema.Rank], schema.Shape.ToArray(), actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name}: variable '{v.Name}' differs from netCDF4-python");

            // An interior region (offset by one where the dimension allows, shortened by one at the end).
            var shape = schema.Shape.ToArray();
            var start = shape.Select(n => n > 2 ? 1L : 0L).ToArray();
            var count = shape.Select((n, i) => Math.Max(0, n - start[i] - (n > 3 ? 1 : 0))).ToArray();
            var region = new byte[count.Aggregate(1L, (a, b) => a * b) * schema.DataType.ElementSize()];
            await reader.ReadAsync(v.Name, start, count, region);
            Assert.True(Slab.Extract(expected, shape, start, count, schema.DataType.ElementSize()).AsSpan().SequenceEqual(region),
                $"{name}: region of variable '{v.Name}' differs from netCDF4-python");
            checkedVariables++;
        }

        Assert.True(checkedVariables > 0);
        if (!directChunks) Assert.Equal(0, reader.DirectChunkReads);
        else if (name is "oisst" or "nc4_features" or "cdo_nc4_zip1" or "cdo_nc4c_zip1" or "plain_h5py") Assert.True(reader.DirectChunkReads > 0);
    }

    private static DataType ExpectedType(string dtype) => dtype switch
    {
        "int8" => DataType.Int8,
        "uint8" => DataType.UInt8,
        "int16" => DataType.Int16,
        "uint16" => DataType.UInt16,
        "int32" => DataType.Int32,
        "uint32" => DataType.UInt32,
        "int64" => DataType.Int64,
        "uint64" => DataType.UInt64,
        "float32" => DataType.Float32,
        "float64" => DataType.Float64,
        "|S1" => DataType.Char,
        "str" => DataType.String,
        _ => throw new ArgumentException($"unexpected dtype {dtype}"),
    };
}
