using Forge.Formats.NetCdf;
using Forge.Native.NetCdf;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>Many readers, many threads, both paths: every read still returns netCDF4-python's bytes.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class NetCdfConcurrencyTests(NetCdfFixtures fixtures)
{
    [Fact]
    public async Task Concurrent_reads_across_readers_and_paths_are_correct()
    {
        string[] names = ["oisst", "nc4_features", "classic", "cdo_nc4_zip1"];
        var readers = new List<NetCdfDatasetReader>();
        try
        {
            foreach (var name in names)
                foreach (var direct in new[] { true, false })
                    readers.Add(NetCdfDatasetReader.Open(fixtures.PathOf(name), new NetCdfReadOptions(DirectChunks: direct)));

            var work = readers.SelectMany(r => r.Schema.Variables.Where(v => v.DataType != Core.Arrays.DataType.String).Select(v => (r, v))).ToList();
            await Parallel.ForEachAsync(Enumerable.Range(0, 6).SelectMany(_ => work), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
            {
                var (reader, v) = item;
                var name = Path.GetFileNameWithoutExtension(reader.Source);
                var buffer = new byte[v.ByteCount];
                await reader.ReadAsync(v.Name, new long[v.Rank], v.Shape.ToArray(), buffer, ct);
                Assert.True(fixtures.RawBytes(name, v.Name).AsSpan().SequenceEqual(buffer), $"{name}/{v.Name}");
            });
        }
        finally
        {
            foreach (var r in readers) await r.DisposeAsync();
        }
    }

    [Fact]
    public void Library_versions_are_reported()
    {
        Assert.StartsWith("4.", NetCdfLibrary.Version, StringComparison.Ordinal);
        Assert.StartsWith("1.", NetCdfLibrary.Hdf5Version, StringComparison.Ordinal);
    }
}
