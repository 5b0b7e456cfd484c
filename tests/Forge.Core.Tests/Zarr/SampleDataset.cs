using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Storage;
using Forge.Core.Zarr;

namespace Forge.Core.Tests.Zarr;

/// <summary>A small OISST-like dataset written the way the pipeline writes it: data, array metadata, group, consolidation.</summary>
internal sealed class SampleDataset
{
    public sealed record Variable(VariableSchema Schema, byte[] Data, double? Fill);

    public List<Variable> Variables { get; } = [];

    public static SampleDataset Create()
    {
        var ds = new SampleDataset();
        const int nt = 5, ny = 6, nx = 7;
        var sst = new float[nt * ny * nx];
        for (var i = 0; i < sst.Length; i++) sst[i] = i * 0.25f - 2f;
        for (var i = 0; i < nx; i++) sst[i] = -999f; // a masked row
        ds.Add(new VariableSchema("sst", DataType.Float32, ["time", "lat", "lon"], [nt, ny, nx], Attrs(
            ("units", AttributeValue.FromText("degC")),
            ("long_name", AttributeValue.FromText("Daily sea surface temperature")),
            ("_FillValue", AttributeValue.FromReals(DataType.Float32, -999.0)),
            ("valid_range", AttributeValue.FromReals(DataType.Float32, -3.0, 45.0)))), Bytes(sst), -999.0);
        ds.Add(new VariableSchema("time", DataType.Float64, ["time"], [nt], Attrs(
            ("units", AttributeValue.FromText("days since 1978-01-01 12:00:00")),
            ("calendar", AttributeValue.FromText("standard"))), IsCoordinate: true), Bytes(Enumerable.Range(0, nt).Select(i => 15000.0 + i).ToArray()), null);
        ds.Add(new VariableSchema("lat", DataType.Float32, ["lat"], [ny], Attrs(("units", AttributeValue.FromText("degrees_north"))), IsCoordinate: true),
            Bytes(Enumerable.Range(0, ny).Select(i => -60f + 20f * i).ToArray()), null);
        ds.Add(new VariableSchema("lon", DataType.Float32, ["lon"], [nx], Attrs(("units", AttributeValue.FromText("degrees_east"))), IsCoordinate: true),
            Bytes(Enumerable.Range(0, nx).Select(i => 0.5f + 50f * i).ToArray()), null);
        ds.Add(new VariableSchema("mask", DataType.Int16, ["lat", "lon"], [ny, nx], Attrs(("flag_values", AttributeValue.FromIntegers(DataType.Int16, 0, 1)))),
            Bytes(Enumerable.Range(0, ny * nx).Select(i => (short)(i % 2)).ToArray()), null);
        ds.Add(new VariableSchema("count", DataType.UInt8, ["lat", "lon"], [ny, nx], Attrs(("_FillValue", AttributeValue.FromUnsigned(DataType.UInt8, 255)))),
            Enumerable.Range(0, ny * nx).Select(i => (byte)(i == 3 ? 255 : i)).ToArray(), 255);
        return ds;
    }

    public static AttributeSet GroupAttributes => Attrs(("title", AttributeValue.FromText("Forge sample")), ("version", AttributeValue.FromIntegers(DataType.Int32, 2)));

    private void Add(VariableSchema schema, byte[] data, double? fill) => Variables.Add(new Variable(schema, data, fill));

    private static AttributeSet Attrs(params (string Name, AttributeValue Value)[] items) => new(items.Select(i => KeyValuePair.Create(i.Name, i.Value)));

    private static byte[] Bytes<T>(T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>Writes every variable (data first, then metadata), the root group, then consolidated metadata.</summary>
    public async Task WriteAsync(IStore store, ZarrFormat format, Func<Variable, ZarrStorageOptions> storage, bool consolidate = true)
    {
        foreach (var v in Variables)
        {
            var meta = ZarrVariableEncoding.Build(v.Schema, format, storage(v));
            var writer = new ZarrArrayWriter(store, v.Schema.Name, meta);
            await writer.WriteRegionAsync(new long[v.Schema.Rank], v.Schema.Shape.ToArray(), v.Data);
            await ZarrMetadataWriter.WriteArrayAsync(store, v.Schema.Name, meta);
        }

        await ZarrMetadataWriter.WriteGroupAsync(store, "", format, ZarrAttributeEncoder.ToJson(GroupAttributes));
        if (consolidate) await ZarrConsolidation.WriteAsync(store, format);
    }

    /// <summary>Writes the raw values beside the store and a manifest the python/node checkers read.</summary>
    public string WriteManifest(string directory)
    {
        var arrays = new JsonArray();
        foreach (var v in Variables)
        {
            var bin = Path.Combine(directory, v.Schema.Name + ".bin");
            File.WriteAllBytes(bin, v.Data);
            var attrs = new JsonObject();
            foreach (var (name, value) in v.Schema.Attributes)
                if (name is "units" or "valid_range" or "flag_values") attrs[name] = ZarrAttributeEncoder.ToJson(value);
            arrays.Add(new JsonObject
            {
                ["name"] = v.Schema.Name,
                ["dtype"] = v.Schema.DataType.ZarrV2Dtype(),
                ["v3type"] = v.Schema.DataType.ZarrV3Name(),
                ["shape"] = new JsonArray([.. v.Schema.Shape.Select(s => (JsonNode)s)]),
                ["dims"] = new JsonArray([.. v.Schema.Dimensions.Select(d => (JsonNode)d)]),
                ["bin"] = bin,
                ["fill"] = v.Fill is { } f ? JsonValue.Create(f) : null,
                ["attrs"] = attrs,
            });
        }

        var manifest = new JsonObject { ["arrays"] = arrays, ["attrs"] = ZarrAttributeEncoder.ToJson(GroupAttributes) };
        var path = Path.Combine(directory, "manifest.json");
        File.WriteAllText(path, manifest.ToJsonString());
        return path;
    }

    /// <summary>Chunking like a pangeo-forge recipe: 2 time steps x 4 x 3 for data, dimension coordinates single-chunk.</summary>
    public static ZarrStorageOptions Chunking(Variable v, IReadOnlyList<IBytesToBytesCodec> codecs, bool shard = false) =>
        v.Schema.IsDimensionCoordinate
            ? new ZarrStorageOptions([.. v.Schema.Shape], codecs)
            : v.Schema.Rank == 3
                ? shard ? new ZarrStorageOptions([4, 4, 6], codecs, [2, 2, 3]) : new ZarrStorageOptions([2, 4, 3], codecs)
                : shard ? new ZarrStorageOptions([6, 7], codecs, [3, 7]) : new ZarrStorageOptions([4, 4], codecs);

    public static ImmutableArray<long> Shape(params long[] s) => [.. s];
}
