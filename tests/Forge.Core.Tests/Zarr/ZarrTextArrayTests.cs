using System.Text;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Zarr;

/// <summary>
/// NetCDF char data in Zarr v3: the <c>string</c> data type with the <c>vlen-utf8</c> codec (numcodecs' layout, which
/// zarr-python 3 and zarrita decode), the char dimension hidden from Zarr and recorded in <c>_CharDimension</c>.
/// The interop test with real readers is Forge.Integration.Tests' TextVariableTests.
/// </summary>
public sealed class ZarrTextArrayTests
{
    private static readonly ChunkSpec Rows = new([3, 4], DataType.Char);

    [Fact]
    public void Vlen_utf8_writes_numcodecs_layout_without_trailing_nuls_and_pads_them_back()
    {
        var rows = Encoding.UTF8.GetBytes("ab\0\0" + "\0\0\0\0" + "é\0x");
        using var encoded = VlenUtf8Codec.Instance.Encode(rows, Rows);
        // count 3; "ab"; ""; "é\0x" (an inner NUL is kept, as numpy's S dtype keeps it)
        Assert.Equal("03000000" + "02000000" + "6162" + "00000000" + "04000000" + "C3A90078", Convert.ToHexString(encoded.Memory.Span));
        using var decoded = VlenUtf8Codec.Instance.Decode(encoded.Memory.Span, Rows);
        Assert.Equal(rows, decoded.Memory.ToArray());
    }

    [Fact]
    public void Vlen_utf8_refuses_bytes_that_are_not_utf8_and_strings_wider_than_their_row()
    {
        var latin1 = new byte[] { (byte)'h', 0xE9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        var e = Assert.Throws<CodecException>(() => VlenUtf8Codec.Instance.Encode(latin1, Rows));
        Assert.Contains("string 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);

        var wide = Convert.FromHexString("01000000" + "05000000" + "6162636465");
        e = Assert.Throws<CodecException>(() => VlenUtf8Codec.Instance.Decode(wide, new ChunkSpec([1, 4], DataType.Char)));
        Assert.Contains("more than the 4", e.Message, StringComparison.Ordinal);
        Assert.Throws<CodecException>(() => VlenUtf8Codec.Instance.Decode(Convert.FromHexString("02000000" + "01000000" + "61"), new ChunkSpec([2, 4], DataType.Char)));
    }

    private static VariableSchema Names(int rank = 2) => rank == 2
        ? new("station_name", DataType.Char, ["station", "name_strlen"], [3, 12], new AttributeSet([new("long_name", AttributeValue.FromText("station name")), new("_Encoding", AttributeValue.FromText("utf-8"))]))
        : new("crs", DataType.Char, [], [], new AttributeSet([new("grid_mapping_name", AttributeValue.FromText("latitude_longitude"))]));

    [Fact]
    public void V3_char_array_is_a_string_array_without_the_char_dimension_and_parses_back()
    {
        var meta = ZarrVariableEncoding.Build(Names(), ZarrFormat.V3, new ZarrStorageOptions([3, 12], [new GzipCodec(5)]));
        Assert.True(meta.StoresText);
        Assert.Throws<ZarrMetadataException>(() => ZarrVariableEncoding.Build(Names(), ZarrFormat.V3, new ZarrStorageOptions([3, 12], [], InnerChunkShape: [1, 12])));
        var doc = meta.ToJson();
        Assert.Equal("string", doc["data_type"]!.GetValue<string>());
        Assert.Equal("[3]", doc["shape"]!.ToJsonString());
        Assert.Equal("[3]", doc["chunk_grid"]!["configuration"]!["chunk_shape"]!.ToJsonString());
        Assert.Equal("""["station"]""", doc["dimension_names"]!.ToJsonString());
        Assert.Equal("\"\"", doc["fill_value"]!.ToJsonString());
        Assert.Equal("""[{"name":"vlen-utf8","configuration":{}},{"name":"gzip","configuration":{"level":5}}]""", doc["codecs"]!.ToJsonString());
        Assert.Equal("name_strlen=12", doc["attributes"]!["_CharDimension"]!.GetValue<string>());
        Assert.Null(doc["attributes"]!["_Encoding"]); // the strings are UTF-8 now; xarray would decode str again
        Assert.Equal("c/2", meta.ChunkKey([2, 0]));

        var parsed = ZarrArrayMetadata.Parse(doc.ToJsonString(), "station_name/zarr.json");
        Assert.True(parsed.StoresText);
        Assert.Equal(DataType.Char, parsed.DataType);
        Assert.Equal([3L, 12], parsed.Shape.ToArray());
        Assert.Equal(["station", "name_strlen"], parsed.DimensionNames!);
        Assert.Null(parsed.Attributes["_CharDimension"]);
        Assert.Equal(doc.ToJsonString(), parsed.ToJson().ToJsonString());
    }

    [Fact]
    public async Task Zero_d_char_is_one_string_and_chunks_round_trip_through_a_store()
    {
        var store = new MemoryStore();
        var meta = ZarrVariableEncoding.Build(Names(0), ZarrFormat.V3, new ZarrStorageOptions([], []));
        var doc = meta.ToJson();
        Assert.Equal("[]", doc["shape"]!.ToJsonString());
        Assert.Null(doc["attributes"]!["_CharDimension"]);
        var writer = new ZarrArrayWriter(store, "crs", meta);
        await writer.WriteChunkAsync(Array.Empty<long>(), "A"u8.ToArray());
        await ZarrMetadataWriter.WriteArrayAsync(store, "crs", meta);
        Assert.Equal("0100000001000000" + "41", Convert.ToHexString((await store.GetAsync(new StoreKey("crs/c")))!.Memory.Span));
        var reader = await ZarrArrayReader.OpenAsync(store, "crs");
        Assert.True(reader.Metadata.StoresText);
        Assert.Equal("A"u8.ToArray(), await reader.ReadAllAsync());

        var names = ZarrVariableEncoding.Build(Names(), ZarrFormat.V3, new ZarrStorageOptions([2, 12], []));
        var w2 = new ZarrArrayWriter(store, "station_name", names);
        var data = Encoding.UTF8.GetBytes("ZÜRICH".PadRight(11, '\0') + "ALERT".PadRight(12, '\0') + new string('\0', 12));
        await w2.WriteRegionAsync(new long[] { 0, 0 }, new long[] { 3, 12 }, data);
        await ZarrMetadataWriter.WriteArrayAsync(store, "station_name", names);
        Assert.Equal(data, await (await ZarrArrayReader.OpenAsync(store, "station_name")).ReadAllAsync());
    }

    [Fact]
    public void V2_char_stays_S1_and_a_foreign_string_array_is_refused_by_name()
    {
        var v2 = ZarrVariableEncoding.Build(Names(), ZarrFormat.V2, new ZarrStorageOptions([3, 12], []));
        Assert.False(v2.StoresText);
        Assert.Equal("|S1", v2.ToJson()["dtype"]!.GetValue<string>());

        var foreign = """{"zarr_format":3,"node_type":"array","shape":[2],"data_type":"string","chunk_grid":{"name":"regular","configuration":{"chunk_shape":[2]}},"chunk_key_encoding":{"name":"default"},"fill_value":"","codecs":[{"name":"vlen-utf8"}]}""";
        var e = Assert.Throws<ZarrMetadataException>(() => ZarrArrayMetadata.Parse(foreign, "names/zarr.json"));
        Assert.Contains("names/zarr.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("_CharDimension", e.Message, StringComparison.Ordinal);
        var bytesForString = foreign.Replace("vlen-utf8", "bytes");
        Assert.Throws<ZarrMetadataException>(() => ZarrArrayMetadata.Parse(bytesForString, "names/zarr.json"));
    }
}
