using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Storage;
using Forge.Core.Zarr;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Zarr;

/// <summary>Zarr v2 stores written by Forge open in zarr-python 2.13 and xarray (open_zarr, consolidated) with equal values.</summary>
public sealed class ForgeV2InteropTests
{
    private static readonly string[] Compressors = ["blosc-lz4", "blosc-zstd-bitshuffle", "zstd", "zlib", "gzip", "none"];

    private static IBytesToBytesCodec[] Codec(string name, DataType type) => name switch
    {
        "blosc-lz4" => [new BloscCodec("lz4", 5, BloscShuffle.Shuffle, type.ElementSize())],
        "blosc-zstd-bitshuffle" => [new BloscCodec("zstd", 3, BloscShuffle.BitShuffle, type.ElementSize())],
        "zstd" => [new ZstdCodec(3)],
        "zlib" => [new ZlibCodec(1)],
        "gzip" => [new GzipCodec(5)],
        _ => [],
    };

    [Fact]
    public async Task Zarr_python_and_xarray_read_what_Forge_wrote()
    {
        using var dir = new TempDir();
        var args = new List<string>();
        foreach (var compressor in Compressors)
        {
            var storePath = dir.Sub(compressor + ".zarr");
            var ds = SampleDataset.Create();
            await ds.WriteAsync(new LocalStore(storePath), ZarrFormat.V2, v => SampleDataset.Chunking(v, Codec(compressor, v.Schema.DataType)));
            Directory.CreateDirectory(dir.Sub(compressor));
            args.AddRange([storePath, ds.WriteManifest(dir.Sub(compressor))]);
        }

        // One python process checks every store (importing xarray costs seconds).
        var output = Peers.RunPython("check_forge_v2.py", [.. args]);
        Assert.Equal("ok " + string.Join(' ', Compressors.Select(_ => "6")), output.Trim());

        // The layout xarray needs: _ARRAY_DIMENSIONS, fill_value from _FillValue, no _FillValue attribute.
        var store = dir.Sub("zstd.zarr");
        var zattrs = await File.ReadAllTextAsync(Path.Combine(store, "sst", ".zattrs"));
        Assert.Contains("\"_ARRAY_DIMENSIONS\": [", zattrs);
        Assert.DoesNotContain("_FillValue", zattrs);
        Assert.Contains("\"fill_value\": -999.0", await File.ReadAllTextAsync(Path.Combine(store, "sst", ".zarray")));
        Assert.True(File.Exists(Path.Combine(store, "sst", "2.1.2")));
        Assert.True(File.Exists(Path.Combine(store, ".zmetadata")));
    }
}
