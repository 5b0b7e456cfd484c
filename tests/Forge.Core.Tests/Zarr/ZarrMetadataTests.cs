using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Zarr;

public sealed class ZarrMetadataTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(-999.0, "-999.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(9.969209968386869e+36, "9.969209968386869e+36")]
    [InlineData(0.009999999776482582, "0.009999999776482582")]
    [InlineData(123456.789, "123456.789")]
    [InlineData(-1.5e-300, "-1.5e-300")]
    [InlineData(0.0, "0.0")]
    public void Floats_are_written_as_python_repr(double value, string expected) => Assert.Equal(expected, ZarrJson.PythonFloat(value));

    [Fact]
    public void Python_json_layout_sorted_indented_ascii()
    {
        var o = new JsonObject { ["b"] = new JsonArray(1, 2), ["a"] = "caf\u00e9\n\"x\"", ["c"] = new JsonObject(), ["d"] = new JsonArray() };
        Assert.Equal("{\n    \"a\": \"caf\\u00e9\\n\\\"x\\\"\",\n    \"b\": [\n        1,\n        2\n    ],\n    \"c\": {},\n    \"d\": []\n}", ZarrJson.Serialize(o, ZarrFormat.V2));
    }

    [Fact]
    public void Bare_NaN_from_python_attributes_is_read_as_the_string()
    {
        var o = ZarrJson.ParseObject("{\"a\": NaN, \"b\": [1.0, -Infinity], \"c\": \"NaN inside text\"}"u8, ".zattrs");
        Assert.Equal("NaN", o["a"]!.GetValue<string>());
        Assert.Equal("-Infinity", o["b"]![1]!.GetValue<string>());
        Assert.Equal("NaN inside text", o["c"]!.GetValue<string>());
    }

    [Fact]
    public void V3_metadata_round_trips_through_json()
    {
        Peers.EnsureNativeCodecs();
        var meta = new ZarrArrayMetadata(ZarrFormat.V3, [365, 720, 1440], [365, 180, 360], DataType.Float32)
        {
            FillValue = ZarrFillValue.FromFloat(double.NaN),
            Codecs = [CodecRegistry.Default.CreateBytesToBytes("zstd", new() { ["level"] = 0, ["checksum"] = false }, DataType.Float32)],
            DimensionNames = ["time", "lat", "lon"],
            Attributes = new JsonObject { ["units"] = "degC" },
        };
        var json = ZarrJson.Serialize(meta.ToJson(), ZarrFormat.V3);
        Assert.Contains("\"data_type\": \"float32\"", json);
        Assert.Contains("\"fill_value\": \"NaN\"", json);
        var back = ZarrArrayMetadata.Parse(json, "sst/zarr.json");
        Assert.Equal(json, ZarrJson.Serialize(back.ToJson(), ZarrFormat.V3));
        Assert.Equal("c/0/3/3", back.ChunkKey([0, 3, 3]));

        var sharded = meta with { ChunkShape = [365, 360, 720], InnerChunkShape = [73, 90, 90] };
        var sj = ZarrJson.Serialize(sharded.ToJson(), ZarrFormat.V3);
        var sback = ZarrArrayMetadata.Parse(sj, "sst/zarr.json");
        Assert.Equal([73L, 90L, 90L], sback.InnerChunkShape!.Value.ToArray());
        Assert.Equal(sj, ZarrJson.Serialize(sback.ToJson(), ZarrFormat.V3));
    }

    [Fact]
    public void Chunk_keys_for_both_encodings_and_0d()
    {
        Assert.Equal("c/1/23/45", ZarrChunkKeyEncoding.V3Default.Key([1, 23, 45]));
        Assert.Equal("c", ZarrChunkKeyEncoding.V3Default.Key([]));
        Assert.Equal("1.23.45", ZarrChunkKeyEncoding.V2Dot.Key([1, 23, 45]));
        Assert.Equal("0", ZarrChunkKeyEncoding.V2Dot.Key([]));
        Assert.Equal("1/23", new ZarrChunkKeyEncoding("v2", '/').Key([1, 23]));
        Assert.Equal("c.1.2", new ZarrChunkKeyEncoding("default", '.').Key([1, 2]));
    }

    [Theory]
    [InlineData("""{"zarr_format": 2, "shape": [4], "chunks": [2, 2], "dtype": "<f4", "compressor": null, "fill_value": null, "order": "C", "filters": null}""", "chunk shape [2, 2] has 2 dimensions")]
    [InlineData("""{"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<c8", "compressor": null, "fill_value": null, "order": "C", "filters": null}""", "'dtype' \"<c8\"")]
    [InlineData("""{"zarr_format": 2, "shape": "x", "chunks": [2], "dtype": "<f4", "compressor": null, "fill_value": null, "order": "C", "filters": null}""", "'shape' must be an array")]
    [InlineData("""{"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<f4", "compressor": {"id": "lzma"}, "fill_value": null, "order": "C", "filters": null}""", "'compressor': lzma: unknown codec")]
    [InlineData("""{"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<i4", "compressor": null, "fill_value": "abc", "order": "C", "filters": null}""", "'fill_value' \"abc\"")]
    [InlineData("""{"zarr_format": 2, "shape": [4], "chunks": [2], "dtype": "<i4", "compressor": null, "fill_value": 0, "order": "F", "filters": null}""", "'order' \"F\"")]
    [InlineData("""{"zarr_format": 5}""", "'zarr_format' must be 2 or 3")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}}, "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": []}""", "'codecs' must be a non-empty array")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}}, "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": [{"name": "gzip"}]}""", "bytes→bytes codec must come after")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}}, "chunk_key_encoding": {"name": "default"}, "fill_value": null, "codecs": [{"name": "bytes"}]}""", "'fill_value' is required")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "rectilinear"}, "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": [{"name": "bytes"}]}""", "'chunk_grid'")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}}, "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": [{"name": "bytes"}], "future_thing": {}}""", "unknown field 'future_thing'")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}}, "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": [{"name": "bytes"}], "dimension_names": ["x", "y"]}""", "'dimension_names' has 2 entries")]
    [InlineData("""{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "float32", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [4]}}, "chunk_key_encoding": {"name": "default"}, "fill_value": 0, "codecs": [{"name": "sharding_indexed", "configuration": {"chunk_shape": [3], "codecs": [{"name": "bytes"}]}}]}""", "must divide the shard shape")]
    [InlineData("""not json""", "is not valid JSON")]
    public void Invalid_metadata_is_refused_naming_the_document_and_field(string json, string expected)
    {
        var e = Assert.Throws<ZarrMetadataException>(() => ZarrArrayMetadata.Parse(json, "sst/.zarray"));
        Assert.StartsWith("sst/.zarray: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Unknown_field_with_must_understand_false_is_ignored()
    {
        var json = """{"zarr_format": 3, "node_type": "array", "shape": [4], "data_type": "int16", "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}}, "chunk_key_encoding": {"name": "v2", "configuration": {"separator": "."}}, "fill_value": -5, "codecs": [{"name": "bytes", "configuration": {"endian": "big"}}], "ext": {"must_understand": false}}""";
        var meta = ZarrArrayMetadata.Parse(json, "x/zarr.json");
        Assert.Equal(Endian.Big, meta.Endian);
        Assert.Equal(-5, meta.FillValue.Integer);
        Assert.Equal("1", meta.ChunkKey([1]));
    }

    [Fact]
    public void Fill_values_parse_and_print_per_format()
    {
        Assert.True(double.IsNaN(ZarrFillValue.Parse("0x7fc00000", DataType.Float32, ZarrFormat.V3, "k").Float));
        Assert.Equal(double.NegativeInfinity, ZarrFillValue.Parse("-Infinity", DataType.Float64, ZarrFormat.V2, "k").Float);
        Assert.Equal(ulong.MaxValue, ZarrFillValue.Parse(JsonNode.Parse("18446744073709551615"), DataType.UInt64, ZarrFormat.V3, "k").Unsigned);
        Assert.True(ZarrFillValue.Parse(JsonValue.Create(true), DataType.Bool, ZarrFormat.V3, "k").Bool);
        Assert.Equal(ZarrFillValueKind.Undefined, ZarrFillValue.Parse(null, DataType.Int32, ZarrFormat.V2, "k").Kind);
        Assert.Null(ZarrFillValue.Undefined.ToJson(DataType.Int32, ZarrFormat.V2));
        Assert.Equal("0", ZarrFillValue.Undefined.ToJson(DataType.Int32, ZarrFormat.V3)!.ToJsonString());
        Assert.Equal("\"NaN\"", ZarrFillValue.Undefined.ToJson(DataType.Float32, ZarrFormat.V3)!.ToJsonString());
        Assert.Equal("false", ZarrFillValue.FromInteger(0).ToJson(DataType.Bool, ZarrFormat.V2)!.ToJsonString());
        Assert.Equal(BitConverter.GetBytes((short)-32767), ZarrFillValue.FromInteger(-32767).ToElementBytes(DataType.Int16));
    }

    [Fact]
    public void Attributes_encode_as_xarray_writes_them()
    {
        var attrs = new AttributeSet(
        [
            new("units", AttributeValue.FromText("K")),
            new("scale_factor", AttributeValue.FromReals(DataType.Float32, (float)0.01)),
            new("valid_range", AttributeValue.FromIntegers(DataType.Int16, -300, 4500)),
            new("missing", AttributeValue.FromReals(DataType.Float64, double.NaN)),
            new("big", AttributeValue.FromReals(DataType.Float64, double.PositiveInfinity, double.NegativeInfinity)),
            new("flags", AttributeValue.FromUnsigned(DataType.UInt8, 1)),
            new("empty", AttributeValue.FromReals(DataType.Float64)),
        ]);
        var json = ZarrJson.Serialize(ZarrAttributeEncoder.ToJson(attrs), ZarrFormat.V2);
        Assert.Equal("""
            {
                "big": [
                    Infinity,
                    -Infinity
                ],
                "empty": [],
                "flags": 1,
                "missing": NaN,
                "scale_factor": 0.009999999776482582,
                "units": "K",
                "valid_range": [
                    -300,
                    4500
                ]
            }
            """, json);

        // v3: strict JSON (zarrita rejects bare tokens), the strings zarr-python 3 reads back.
        var v3 = ZarrJson.Serialize(ZarrAttributeEncoder.ToJson(attrs), ZarrFormat.V3);
        Assert.Contains("\"missing\": \"NaN\"", v3);
        Assert.Contains("\"Infinity\"", v3);
    }

    [Fact]
    public async Task Nan_float_attribute_reads_back_as_a_float_in_zarr_python_including_consolidated()
    {
        var dir = Directory.CreateTempSubdirectory("forge-nan-attrs-").FullName;
        try
        {
            var attrs = new AttributeSet([new("missing", AttributeValue.FromReals(DataType.Float64, double.NaN)), new("text", AttributeValue.FromText("NaN"))]);
            File.WriteAllText(Path.Combine(dir, ".zgroup"), ZarrJson.Serialize(new System.Text.Json.Nodes.JsonObject { ["zarr_format"] = 2 }, ZarrFormat.V2));
            var zattrs = ZarrJson.SerializeToUtf8(ZarrAttributeEncoder.ToJson(attrs), ZarrFormat.V2);
            File.WriteAllBytes(Path.Combine(dir, ".zattrs"), zattrs);
            // Consolidation re-reads the documents: the float must survive the round trip.
            var reparsed = ZarrJson.ParseObjectKeepingNonFinite(zattrs, ".zattrs");
            var root = new System.Text.Json.Nodes.JsonObject
            {
                ["metadata"] = new System.Text.Json.Nodes.JsonObject { [".zattrs"] = reparsed, [".zgroup"] = new System.Text.Json.Nodes.JsonObject { ["zarr_format"] = 2 } },
                ["zarr_consolidated_format"] = 1,
            };
            File.WriteAllText(Path.Combine(dir, ".zmetadata"), ZarrJson.Serialize(root, ZarrFormat.V2));
            var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import sys, zarr; g = zarr.open_group(sys.argv[1], mode='r'); c = zarr.open_consolidated(sys.argv[1], mode='r'); " +
                "print(type(g.attrs['missing']).__name__, g.attrs['missing'], type(c.attrs['missing']).__name__, type(g.attrs['text']).__name__)");
            psi.ArgumentList.Add(dir);
            using var p = System.Diagnostics.Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            var output = (await p.StandardOutput.ReadToEndAsync()).Trim();
            Assert.True(p.WaitForExit(60_000), "zarr-python did not finish within 60 s");
            Assert.True(p.ExitCode == 0, await err);
            Assert.Equal("float nan float str", output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Variable_encoding_applies_the_fill_value_rules_of_each_format()
    {
        var schema = new VariableSchema("sst", DataType.Int16, ["time", "lat"], [10, 4], new AttributeSet(
        [
            new("_FillValue", AttributeValue.FromIntegers(DataType.Int16, -999)),
            new("scale_factor", AttributeValue.FromReals(DataType.Float32, 0.01f)),
        ]));
        var v2 = ZarrVariableEncoding.Build(schema, ZarrFormat.V2, new ZarrStorageOptions([5, 100], []));
        Assert.Equal(-999, v2.FillValue.Integer);
        Assert.False(v2.Attributes.ContainsKey("_FillValue"));
        Assert.Equal([5L, 100L], v2.ChunkShape.ToArray()); // as given: a chunk may overhang its dimension
        Assert.Equal("""["time","lat"]""", v2.ToV2AttributesJson()["_ARRAY_DIMENSIONS"]!.ToJsonString());

        var v3 = ZarrVariableEncoding.Build(schema, ZarrFormat.V3, new ZarrStorageOptions([5, 4], [], [5, 2]));
        var notDividing = Assert.Throws<ZarrMetadataException>(() => ZarrVariableEncoding.Build(schema, ZarrFormat.V3, new ZarrStorageOptions([5, 4], [], [5, 3])));
        Assert.Contains("must divide the shard shape", notDividing.Message);
        Assert.Equal(-999, v3.Attributes["_FillValue"]!.GetValue<long>());
        Assert.Equal(["time", "lat"], v3.DimensionNames!);

        var f = schema with { DataType = DataType.Float32, Attributes = new AttributeSet([new("_FillValue", AttributeValue.FromReals(DataType.Float32, double.NaN))]) };
        Assert.Equal("AAAAAAAA+H8=", ZarrVariableEncoding.Build(f, ZarrFormat.V3, new ZarrStorageOptions([5, 4], [])).Attributes["_FillValue"]!.GetValue<string>());
        var noFill = f with { Attributes = AttributeSet.Empty };
        Assert.True(double.IsNaN(ZarrVariableEncoding.Build(noFill, ZarrFormat.V2, new ZarrStorageOptions([5, 4], [])).FillValue.Float));
        Assert.Equal(ZarrFillValueKind.Undefined, ZarrVariableEncoding.Build(schema with { Attributes = AttributeSet.Empty }, ZarrFormat.V2, new ZarrStorageOptions([5, 4], [])).FillValue.Kind);

        var e = Assert.Throws<ZarrMetadataException>(() => ZarrVariableEncoding.Build(schema, ZarrFormat.V2, new ZarrStorageOptions([5, 4], [new GzipCodec(), new ZlibCodec()])));
        Assert.Contains("one compressor", e.Message);
        Assert.StartsWith("sst/.zarray", e.Message);
    }
}
