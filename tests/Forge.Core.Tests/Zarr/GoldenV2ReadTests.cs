using System.Text;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Zarr;

/// <summary>Forge reads stores written by zarr-python 2.13 and xarray, and writes their metadata byte for byte.</summary>
public sealed class GoldenV2ReadTests(GoldenV2Fixture golden) : IClassFixture<GoldenV2Fixture>
{
    [Fact]
    public async Task Every_golden_array_reads_with_equal_values()
    {
        var store = new LocalStore(golden.GoldenStore);
        Assert.True(golden.Cases.Count > 20);
        foreach (var c in golden.Cases)
        {
            var reader = await ZarrArrayReader.OpenAsync(store, c.Name);
            Assert.Equal(c.Shape, reader.Metadata.Shape.ToArray());
            var actual = await reader.ReadAllAsync();
            var expected = golden.Expected(c.Name);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{c.Name} ({c.Dtype}) values differ from zarr-python's");
        }
    }

    [Fact]
    public async Task Reserializing_golden_metadata_is_byte_identical()
    {
        foreach (var c in golden.Cases)
        {
            var dir = Path.Combine(golden.GoldenStore, c.Name);
            var zarray = await File.ReadAllTextAsync(Path.Combine(dir, ".zarray"));
            var meta = ZarrArrayMetadata.Parse(zarray, $"{c.Name}/.zarray");
            Assert.Equal(zarray, ZarrJson.Serialize(meta.ToJson(), ZarrFormat.V2));
        }

        foreach (var name in new[] { "sst", "time", "lat", "mask" })
        {
            var dir = Path.Combine(golden.XarrayStore, name);
            var zattrs = await File.ReadAllTextAsync(Path.Combine(dir, ".zattrs"));
            var zarray = await File.ReadAllTextAsync(Path.Combine(dir, ".zarray"));
            var meta = ZarrArrayMetadata.Parse(zarray, $"{name}/.zarray", zattrs);
            Assert.Equal(zarray, ZarrJson.Serialize(meta.ToJson(), ZarrFormat.V2));
            Assert.Equal(zattrs, ZarrJson.Serialize(meta.ToV2AttributesJson(), ZarrFormat.V2));
        }

        var zmetadata = await File.ReadAllTextAsync(Path.Combine(golden.XarrayStore, ".zmetadata"));
        Assert.Equal(zmetadata, ZarrJson.Serialize(ZarrJson.ParseObject(Encoding.UTF8.GetBytes(zmetadata), ".zmetadata"), ZarrFormat.V2));
    }

    [Fact]
    public async Task Independently_built_metadata_matches_what_zarr_python_wrote()
    {
        var meta = new ZarrArrayMetadata(ZarrFormat.V2, [7, 5], [3, 2], DataType.Float32)
        {
            FillValue = ZarrFillValue.FromFloat(double.NaN),
            Codecs = [CodecRegistry.Default.CreateFromV2(new() { ["id"] = "blosc", ["cname"] = "lz4", ["clevel"] = 5, ["shuffle"] = 1 }, DataType.Float32)],
        };
        var expected = await File.ReadAllTextAsync(Path.Combine(golden.GoldenStore, "f4_blosc_lz4", ".zarray"));
        Assert.Equal(expected, ZarrJson.Serialize(meta.ToJson(), ZarrFormat.V2));

        var gzip = meta with { Codecs = [new GzipCodec(6)], ChunkKeyEncodingOverride = new ZarrChunkKeyEncoding("v2", '/'), Shape = [5, 4], ChunkShape = [2, 2] };
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(golden.GoldenStore, "nested_separator", ".zarray")), ZarrJson.Serialize(gzip.ToJson(), ZarrFormat.V2));
    }

    [Fact]
    public async Task Xarray_store_opens_through_consolidated_metadata()
    {
        var group = await ZarrGroupReader.OpenAsync(new LocalStore(golden.XarrayStore));
        Assert.True(group.IsConsolidated);
        Assert.Equal(ZarrFormat.V2, group.Format);
        Assert.Equal("golden", group.Attributes["title"]!.GetValue<string>());
        Assert.Equal(["lat", "lon", "mask", "sst", "time"], group.Arrays.Keys.Order(StringComparer.Ordinal));
        var sst = group.Arrays["sst"];
        Assert.Equal(["time", "lat", "lon"], sst.DimensionNames!);
        Assert.Equal(-999.0, sst.FillValue.Float);
        Assert.False(sst.Attributes.ContainsKey("_ARRAY_DIMENSIONS"));
        var values = await group.OpenArray("sst").ReadAllAsync();
        var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(values).ToArray();
        Assert.Equal(Enumerable.Range(0, 60).Select(i => i * 0.5f), floats);
    }
}
