using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Forge.Native.Compression;

/// <summary>
/// What libblosc does with one codec configuration, found by asking it (not by re-implementing its rules): the
/// blocksize it picks for large buffers (the same for every buffer of at least <see cref="ProbeBytes"/>: c-blosc 1.x
/// compute_blocksize caps blocks at 1 MiB, or at a forced blocksize), the first four header bytes (format versions,
/// flags, typesize), the forced blocksize that reproduces that blocksize for a given buffer size (blosc enlarges a
/// forced blocksize for split codecs), and the incompressible filler block of the partial-block frame.
/// </summary>
internal sealed unsafe class BloscStreamLayout
{
    private readonly BloscCodec _codec;
    private readonly ConcurrentDictionary<int, int> _forced = new();

    private BloscStreamLayout(BloscCodec codec, int blockSize, byte[] headerStart)
    {
        _codec = codec;
        BlockSize = blockSize;
        HeaderStart = headerStart;
    }

    public int BlockSize { get; }

    /// <summary>Header bytes 0-3 of a compressed (not memcpyed) frame.</summary>
    public byte[] HeaderStart { get; }

    public byte Flags => HeaderStart[2];

    /// <summary>The forced blocksize for a one-block frame of <see cref="BlockSize"/> bytes.</summary>
    public int ForcedFullBlock { get; private set; }

    /// <summary>The filler block (pseudo-random, stored raw by every compressor) and its payload in a frame.</summary>
    public byte[] Filler { get; private set; } = [];

    public byte[] FillerPayloadBytes { get; private set; } = [];

    public int FillerPayload => FillerPayloadBytes.Length;

    /// <summary>Smallest object streamed: smaller ones are encoded whole (they fit a few blocks anyway).</summary>
    public static long ProbeBytes(BloscCodec codec) => Math.Max(2L << 20, 4L * codec.BlockSize);

    /// <summary>The layout for <paramref name="codec"/>, or null when libblosc would not give a stable blocksize below half the probe (or memcpys everything).</summary>
    public static BloscStreamLayout? Create(BloscCodec codec)
    {
        if (codec.CLevel == 0 || codec.TypeSize > 255) return null;
        long probe = ProbeBytes(codec);
        if (probe > BloscNative.MaxBufferSize / 2) return null;
        var zeros = new byte[probe];
        var output = new byte[probe + BloscNative.MaxOverhead];
        int n = CompressZeros(codec, zeros, output, codec.BlockSize);
        if (n <= 0 || (output[2] & 0x02) != 0) return null;
        int blockSize = BinaryPrimitives.ReadInt32LittleEndian(output.AsSpan(8));
        if (blockSize <= 0 || blockSize > probe / 2) return null;
        var layout = new BloscStreamLayout(codec, blockSize, output.AsSpan(0, 4).ToArray());
        int forced = layout.ForcedFor(blockSize);
        if (forced <= 0) return null;
        layout.ForcedFullBlock = forced;

        // Filler: xorshift bytes, incompressible for every blosc compressor, so each of its split streams is stored raw.
        var filler = new byte[blockSize];
        ulong x = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < filler.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            filler[i] = (byte)(x >> 24);
        }

        var frame = new byte[blockSize + 20 + (4 * 16) + 64];
        fixed (byte* s = filler)
        fixed (byte* d = frame)
            n = BloscNative.CompressCtx(codec.CLevel, (int)codec.Shuffle, (nuint)codec.TypeSize, (nuint)blockSize, s, d, (nuint)frame.Length, codec.CName, (nuint)forced, 1);
        int splits = (layout.Flags & 0x10) != 0 ? 1 : codec.TypeSize;
        if (n <= 20 || (frame[2] & 0x02) != 0 || n - 20 != blockSize + (4 * splits)) return null;
        layout.Filler = filler;
        layout.FillerPayloadBytes = frame.AsSpan(20, n - 20).ToArray();
        return layout;
    }

    /// <summary>The forced blocksize that makes libblosc cut a buffer of <paramref name="nbytes"/> into blocks of <see cref="BlockSize"/>; 0 when none does.</summary>
    public int ForcedFor(int nbytes) => _forced.GetOrAdd(nbytes, total =>
    {
        // Split codecs multiply a forced blocksize (up to 256 KiB) by the typesize: try it as is, then divided.
        foreach (int candidate in new[] { BlockSize, BlockSize / Math.Max(1, _codec.TypeSize) })
        {
            if (candidate <= 0) continue;
            var zeros = new byte[total];
            var output = new byte[total + BloscNative.MaxOverhead];
            int n = CompressZeros(_codec, zeros, output, candidate);
            if (n > 0 && BinaryPrimitives.ReadInt32LittleEndian(output.AsSpan(8)) == BlockSize) return candidate;
        }

        return 0;
    });

    private static int CompressZeros(BloscCodec codec, byte[] zeros, byte[] output, int forced)
    {
        fixed (byte* s = zeros)
        fixed (byte* d = output)
            return BloscNative.CompressCtx(codec.CLevel, (int)codec.Shuffle, (nuint)codec.TypeSize, (nuint)zeros.Length, s, d, (nuint)output.Length, codec.CName, (nuint)forced, 1);
    }
}
