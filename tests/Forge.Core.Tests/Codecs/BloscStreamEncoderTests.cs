using System.Buffers.Binary;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Native.Compression;

namespace Forge.Core.Tests.Codecs;

/// <summary>
/// The block-by-block blosc encoder against one-shot <see cref="BloscCodec.Encode"/>: byte-identical frames for
/// random configurations, data (compressible, random, compressible only at the start: near blosc's memcpy bound),
/// sizes around block boundaries and arbitrary append cuts.
/// </summary>
public sealed class BloscStreamEncoderTests
{
    private static readonly string[] Compressors = ["lz4", "zstd", "blosclz", "lz4hc", "zlib"];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 36)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Streamed_frame_equals_the_one_shot_frame(int seed)
    {
        var rng = new Random(seed);
        string cname = Compressors[rng.Next(Compressors.Length)];
        int typesize = new[] { 1, 2, 4, 8 }[rng.Next(4)];
        var shuffle = (BloscShuffle)rng.Next(3);
        int clevel = cname is "lz4" or "blosclz" ? new[] { 1, 5, 9 }[rng.Next(3)] : new[] { 1, 3, 5 }[rng.Next(3)];
        var codec = new BloscCodec(cname, clevel, shuffle, typesize);
        int block = BlockSizeOf(codec);

        // Sizes from the smallest streamed object up, landing on, next to and between block boundaries.
        long min = Math.Max(2L << 20, 4L * codec.BlockSize);
        long blocks = (min + block - 1) / block + rng.Next(3);
        long[] deltas = [0, 1, typesize - 1, typesize + 1, block - 1, block - typesize, rng.Next(block)];
        long nbytes = (blocks * block) + deltas[rng.Next(deltas.Length)];
        var data = Data(rng, (int)nbytes, typesize, block, kind: seed % 4);
        AssertIdentical(codec, data, rng, $"seed {seed}: {cname} clevel {clevel} {shuffle} typesize {typesize} block {block} nbytes {nbytes} kind {seed % 4}");
    }

    [Theory]
    [InlineData("lz4", BloscShuffle.Shuffle, 4)]
    [InlineData("zstd", BloscShuffle.BitShuffle, 2)]
    [InlineData("blosclz", BloscShuffle.NoShuffle, 8)]
    public void Incompressible_objects_become_the_memcpy_frame(string cname, BloscShuffle shuffle, int typesize)
    {
        var codec = new BloscCodec(cname, 5, shuffle, typesize);
        var rng = new Random(7);
        int block = BlockSizeOf(codec);
        var data = new byte[(3 << 20) + (block / 3)];
        rng.NextBytes(data);
        var streamed = AssertIdentical(codec, data, rng, "random data");
        Assert.NotEqual(0, streamed[2] & 0x02); // BLOSC_MEMCPYED: the whole-buffer call gave up too
    }

    [Fact]
    public void Small_objects_and_clevel_0_are_encoded_whole()
    {
        Assert.Null(new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4).CreateStreamEncoder(1 << 20));
        Assert.Null(new BloscCodec("lz4", 0, BloscShuffle.Shuffle, 4).CreateStreamEncoder(64 << 20));
        Assert.NotNull(new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4).CreateStreamEncoder(94_608_000));
    }

    [Fact]
    public void Appending_more_or_fewer_bytes_than_the_object_is_refused()
    {
        var codec = new BloscCodec("lz4", 5, BloscShuffle.Shuffle, 4);
        var sink = new MemorySink();
        using (var encoder = codec.CreateStreamEncoder(3 << 20)!)
        {
            encoder.Append(new byte[1 << 20], sink);
            Assert.Throws<InvalidOperationException>(() => encoder.Finish(sink));
        }

        using (var encoder = codec.CreateStreamEncoder(3 << 20)!)
            Assert.Throws<InvalidOperationException>(() => encoder.Append(new byte[(3 << 20) + 1], new MemorySink()));
    }

    private static byte[] AssertIdentical(BloscCodec codec, byte[] data, Random rng, string what)
    {
        using var oneShot = codec.Encode(data, new ChunkSpec([data.Length], DataType.UInt8));
        var sink = new MemorySink();
        using (var encoder = codec.CreateStreamEncoder(data.Length) ?? throw new InvalidOperationException($"{what}: not streamed"))
        {
            int at = 0;
            while (at < data.Length)
            {
                // Cuts of any size: single bytes, partial blocks, several blocks at once.
                int n = Math.Min(data.Length - at, rng.Next(4) switch { 0 => 1 + rng.Next(64), 1 => 1 + rng.Next(1 << 18), _ => 1 + rng.Next(3 << 20) });
                encoder.Append(data.AsSpan(at, n), sink);
                at += n;
            }

            encoder.Finish(sink);
        }

        var streamed = sink.ToArray();
        Assert.True(oneShot.Memory.Span.SequenceEqual(streamed), $"{what}: streamed frame ({streamed.Length} bytes) differs from the one-shot frame ({oneShot.Memory.Length} bytes) at byte {FirstDifference(oneShot.Memory.Span, streamed)}");
        return streamed;
    }

    private static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int i = a.CommonPrefixLength(b);
        return i;
    }

    private static int BlockSizeOf(BloscCodec codec)
    {
        using var frame = codec.Encode(new byte[4 << 20], new ChunkSpec([4 << 20], DataType.UInt8));
        return BinaryPrimitives.ReadInt32LittleEndian(frame.Memory.Span[8..]);
    }

    /// <summary>0: smooth values; 1: random; 2: compressible for a random prefix, then random (near the memcpy bound); 3: zeros with random islands.</summary>
    private static byte[] Data(Random rng, int n, int typesize, int block, int kind)
    {
        var data = new byte[n];
        switch (kind)
        {
            case 0:
                for (int i = 0; i + typesize <= n; i += typesize)
                {
                    long v = (long)(1000 * Math.Sin(i * 0.0007)) + (i / 4096);
                    for (int b = 0; b < typesize; b++) data[i + b] = (byte)(v >> (8 * b));
                }

                break;
            case 1:
                rng.NextBytes(data);
                break;
            case 2:
                rng.NextBytes(data);
                // A compressible head of up to two blocks: the frame total lands on either side of nbytes + 16.
                Array.Clear(data, 0, Math.Min(n, rng.Next(2 * block)));
                break;
            default:
                for (int k = 0; k < 20; k++)
                {
                    int at = rng.Next(n), len = Math.Min(n - at, rng.Next(block));
                    rng.NextBytes(data.AsSpan(at, len));
                }

                break;
        }

        return data;
    }

    /// <summary>An in-memory <see cref="IEncodedSink"/>.</summary>
    private sealed class MemorySink : IScratchSink
    {
        private readonly MemoryStream _bytes = new();

        public long Length => _bytes.Length;

        public void Reserve(int count) => Append(new byte[count]);

        public void Append(ReadOnlySpan<byte> encoded)
        {
            _bytes.Position = _bytes.Length;
            _bytes.Write(encoded);
        }

        public void WriteAt(long offset, ReadOnlySpan<byte> bytes)
        {
            Assert.True(offset + bytes.Length <= _bytes.Length);
            _bytes.Position = offset;
            _bytes.Write(bytes);
        }

        public void ReadAt(long offset, Span<byte> destination)
        {
            _bytes.Position = offset;
            _bytes.ReadExactly(destination);
        }

        public void SetLength(long length) => _bytes.SetLength(length);

        public IScratchSink CreateScratch() => new MemorySink();

        public byte[] ToArray() => _bytes.ToArray();

        public void Dispose() => _bytes.Dispose();
    }
}
