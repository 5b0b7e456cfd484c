using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Storage;
using Forge.Core.Zarr;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Zarr;

/// <summary>Installs zarrita (tests/interop/zarrita, npm ci) once when node_modules is missing.</summary>
public sealed class ZarritaFixture
{
    public ZarritaFixture()
    {
        Directory = Path.Combine(Peers.RepoRoot, "tests", "interop", "zarrita");
        if (!System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "zarrita")))
            Peers.Run("npm", ["ci", "--no-audit", "--no-fund"], Directory, timeoutSeconds: 300);
    }

    public string Directory { get; }

    public string Read(string format, IEnumerable<string> storeManifestPairs) =>
        Peers.Run("node", [Path.Combine(Directory, "read.mjs"), format, .. storeManifestPairs], Directory);
}

/// <summary>
/// Zarr v3 stores written by Forge (sharded and not; crc32c, zstd, gzip, blosc) read in zarrita with equal values.
/// zarrita 0.7.5 always reads the shard index from the end, so index_location "start" is covered by Forge's own tests.
/// </summary>
public sealed class ZarritaInteropTests(ZarritaFixture zarrita) : IClassFixture<ZarritaFixture>
{
    private static readonly (string Name, Func<DataType, IBytesToBytesCodec[]> Codecs, bool Shard)[] Cases =
    [
        ("zstd", _ => [new ZstdCodec(0)], false),
        ("gzip-crc32c", _ => [new GzipCodec(5), Crc32cCodec.Instance], false),
        ("blosc-lz4", t => [new BloscCodec("lz4", 5, BloscShuffle.Shuffle, t.ElementSize())], false),
        ("raw", _ => [], false),
        ("shard-zstd", _ => [new ZstdCodec(3, checksum: true)], true),
        ("shard-blosc-crc32c", t => [new BloscCodec("zstd", 3, BloscShuffle.Shuffle, t.ElementSize()), Crc32cCodec.Instance], true),
    ];

    [Fact]
    public async Task Zarrita_reads_Forge_v3_stores()
    {
        Peers.EnsureNativeCodecs();
        using var dir = new TempDir();
        var args = new List<string>();
        foreach (var (name, codecs, shard) in Cases)
        {
            var storePath = dir.Sub(name + ".zarr");
            var ds = SampleDataset.Create();
            var store = new LocalStore(storePath);
            await ds.WriteAsync(store, ZarrFormat.V3, v => SampleDataset.Chunking(v, codecs(v.Schema.DataType), shard && !v.Schema.IsDimensionCoordinate));
            Directory.CreateDirectory(dir.Sub(name));
            args.AddRange([storePath, ds.WriteManifest(dir.Sub(name))]);

            // Forge reads its own store back through the consolidated metadata, region reads included.
            var group = await ZarrGroupReader.OpenAsync(store);
            Assert.True(group.IsConsolidated);
            foreach (var v in ds.Variables)
                Assert.Equal(v.Data, await group.OpenArray(v.Schema.Name).ReadAllAsync());
        }

        var output = zarrita.Read("v3", args);
        Assert.Equal("ok " + string.Join(' ', Cases.Select(_ => "6")), output.Trim());
    }

    [Fact]
    public async Task Zarrita_reads_Forge_v2_store()
    {
        Peers.EnsureNativeCodecs();
        using var dir = new TempDir();
        var storePath = dir.Sub("v2.zarr");
        var ds = SampleDataset.Create();
        await ds.WriteAsync(new LocalStore(storePath), ZarrFormat.V2, v => SampleDataset.Chunking(v, [new BloscCodec("lz4", 5, BloscShuffle.Shuffle, v.Schema.DataType.ElementSize())]));
        Assert.Equal("ok 6", zarrita.Read("v2", [storePath, ds.WriteManifest(dir.Path)]).Trim());
    }

    [Fact]
    public async Task V3_layout_follows_xarray_conventions()
    {
        Peers.EnsureNativeCodecs();
        var store = new MemoryStore();
        var ds = SampleDataset.Create();
        await ds.WriteAsync(store, ZarrFormat.V3, v => SampleDataset.Chunking(v, [new ZstdCodec(0)], shard: v.Schema.Rank == 3));
        using var raw = await store.GetAsync(new StoreKey("sst/zarr.json"));
        var sst = ZarrJson.ParseObject(raw!.Memory.Span, "sst/zarr.json");
        Assert.Equal(-999.0, sst["fill_value"]!.GetValue<double>());
        Assert.Equal("""["time","lat","lon"]""", sst["dimension_names"]!.ToJsonString());
        // xarray's FillValueCoder: base64 of the little-endian float64.
        Assert.Equal(Convert.ToBase64String(BitConverter.GetBytes(-999.0)), sst["attributes"]!["_FillValue"]!.GetValue<string>());
        Assert.False(sst["attributes"]!.AsObject().ContainsKey("_ARRAY_DIMENSIONS"));
        var codecs = sst["codecs"]!.AsArray();
        Assert.Equal("sharding_indexed", codecs.Single()!["name"]!.GetValue<string>());
        Assert.Equal("""[{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}]""", codecs[0]!["configuration"]!["index_codecs"]!.ToJsonString());
        Assert.True(await store.ExistsAsync(new StoreKey("sst/c/0/0/0")));

        using var rootRaw = await store.GetAsync(new StoreKey("zarr.json"));
        var root = ZarrJson.ParseObject(rootRaw!.Memory.Span, "zarr.json");
        var cm = root["consolidated_metadata"]!.AsObject();
        Assert.Equal("inline", cm["kind"]!.GetValue<string>());
        Assert.False(cm["must_understand"]!.GetValue<bool>());
        Assert.Equal(["count", "lat", "lon", "mask", "sst", "time"], cm["metadata"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal("Forge sample", root["attributes"]!["title"]!.GetValue<string>());
        Assert.IsType<JsonObject>(cm["metadata"]!["time"]);
    }
}
