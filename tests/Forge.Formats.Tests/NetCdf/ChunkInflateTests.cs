using Forge.Formats.Hdf5;
using Forge.Formats.NetCdf;
using Forge.Native.Compression;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>
/// The direct-chunk path inflates with libdeflate when it is installed and with .NET's zlib-ng otherwise: both give
/// netCDF4-python's bytes for every fixture, and a corrupt chunk fails the same way on both.
/// </summary>
[Collection(NetCdfCollection.Name)]
public sealed class ChunkInflateTests(NetCdfFixtures fixtures)
{
    [Fact]
    public void Libdeflate_is_installed()
    {
        // eng/setup.sh runtime installs Debian's libdeflate0; without it the fallback would silently be the only path tested.
        Assert.True(ZlibInflater.IsAvailable, "libdeflate.so.0 not found: run eng/setup.sh runtime");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Both_inflaters_read_every_fixture_like_netcdf4_python(bool libdeflate)
    {
        var saved = ChunkDecoder.UseLibDeflate;
        ChunkDecoder.UseLibDeflate = libdeflate;
        try
        {
            foreach (var name in NetCdfFixtures.Names)
            {
                var manifest = fixtures.Manifest(name);
                await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf(name), new NetCdfReadOptions(DirectChunks: true));
                foreach (var v in manifest.Variables.Where(v => v.Dtype != "str"))
                {
                    var schema = reader.Schema.GetVariable(v.Name);
                    var actual = new byte[schema.ByteCount];
                    await reader.ReadAsync(v.Name, new long[schema.Rank], schema.Shape.ToArray(), actual);
                    Assert.True(fixtures.RawBytes(name, v.Name).AsSpan().SequenceEqual(actual), $"{name}: variable '{v.Name}' differs from netCDF4-python (libdeflate: {libdeflate})");
                }
            }
        }
        finally
        {
            ChunkDecoder.UseLibDeflate = saved;
        }
    }

    [Fact]
    public void A_stream_larger_than_the_output_or_corrupt_is_reported_not_truncated()
    {
        var data = new byte[100_000];
        new Random(7).NextBytes(data.AsSpan(0, 50_000));
        using var packed = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        var stream = packed.ToArray();

        var output = new byte[data.Length];
        Assert.Equal(ZlibInflater.Outcome.Inflated, ZlibInflater.TryInflate(stream, output, out var written));
        Assert.Equal(data.Length, written);
        Assert.True(data.AsSpan().SequenceEqual(output));
        Assert.Equal(ZlibInflater.Outcome.TooLarge, ZlibInflater.TryInflate(stream, new byte[data.Length - 1], out _));
        stream[^2] ^= 0xFF; // the Adler-32 trailer
        Assert.Equal(ZlibInflater.Outcome.Corrupt, ZlibInflater.TryInflate(stream, output, out _));
    }
}
