using System.Buffers.Binary;
using Forge.Core.Kernels;
using Forge.Formats.Kernels;
using Forge.Formats.Tests.NetCdf;

namespace Forge.Formats.Tests.Kernels;

/// <summary>Unshuffle (SIMD and forced scalar), Fletcher-32 and the overlap copy against straightforward references.</summary>
public sealed class KernelTests
{
    [Fact]
    public void Fletcher32_matches_the_hdf5_definition_and_accepts_the_pre_1_6_3_order()
    {
        // Reference values from HDF5's H5_checksum_fletcher32 worked by hand: "abcde" → words 0x6162, 0x6364, odd 0x6500.
        var data = "abcde"u8.ToArray();
        uint s1 = 0x6162, s2 = 0x6162;
        s1 += 0x6364; s2 += s1;
        s1 = (s1 & 0xffff) + (s1 >> 16); s2 = (s2 & 0xffff) + (s2 >> 16);
        s1 += 0x6500; s2 += s1;
        s1 = (s1 & 0xffff) + (s1 >> 16); s2 = (s2 & 0xffff) + (s2 >> 16);
        s1 = (s1 & 0xffff) + (s1 >> 16); s2 = (s2 & 0xffff) + (s2 >> 16);
        Assert.Equal((s2 << 16) | s1, Fletcher32.Compute(data));

        var big = new byte[5000];
        new Random(3).NextBytes(big);
        var chunk = new byte[big.Length + 4];
        big.CopyTo(chunk, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(big.Length), Fletcher32.Compute(big));
        Assert.True(Fletcher32.TryVerify(chunk, out var payload));
        Assert.Equal(big.Length, payload);

        var sum = Fletcher32.Compute(big);
        BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(big.Length), ((sum & 0x00FF00FF) << 8) | ((sum >> 8) & 0x00FF00FF));
        Assert.True(Fletcher32.TryVerify(chunk, out _));

        chunk[10] ^= 1;
        Assert.False(Fletcher32.TryVerify(chunk, out _));
    }

    [Theory]
    [InlineData(new long[] { 0, 0 }, new long[] { 4, 4 }, new long[] { 1, 1 }, new long[] { 6, 9 })]
    [InlineData(new long[] { 4, 8 }, new long[] { 4, 4 }, new long[] { 1, 1 }, new long[] { 6, 9 })]
    [InlineData(new long[] { 0, 3, 6 }, new long[] { 2, 3, 3 }, new long[] { 0, 4, 2 }, new long[] { 2, 5, 7 })]
    [InlineData(new long[] { 5 }, new long[] { 5 }, new long[] { 7 }, new long[] { 2 })]
    public void Overlap_copy_places_each_element_where_the_region_wants_it(long[] chunkOrigin, long[] chunkShape, long[] regionStart, long[] regionCount)
    {
        const int elementSize = 2;
        var full = Enumerable.Range(0, chunkShape.Length).Select(d => Math.Max(chunkOrigin[d] + chunkShape[d], regionStart[d] + regionCount[d])).ToArray();
        var fullBytes = new byte[full.Aggregate(1L, (a, b) => a * b) * elementSize];
        new Random(9).NextBytes(fullBytes);

        var chunk = Slab.Extract(fullBytes, full, chunkOrigin, chunkShape, elementSize);
        var expected = Slab.Extract(fullBytes, full, regionStart, regionCount, elementSize);
        var region = new byte[expected.Length];
        BlockCopy.CopyOverlap(chunk, chunkOrigin, chunkShape, region, regionStart, regionCount, elementSize);

        // Only the overlap is written; compare it element by element against the reference.
        var rank = full.Length;
        var total = regionCount.Aggregate(1L, (a, b) => a * b);
        var index = new long[rank];
        for (long n = 0; n < total; n++)
        {
            var rem = n;
            for (var d = rank - 1; d >= 0; d--) { index[d] = regionStart[d] + (rem % regionCount[d]); rem /= regionCount[d]; }
            var inside = Enumerable.Range(0, rank).All(d => index[d] >= chunkOrigin[d] && index[d] < chunkOrigin[d] + chunkShape[d]);
            var actual = region.AsSpan((int)(n * elementSize), elementSize);
            if (inside) Assert.True(actual.SequenceEqual(expected.AsSpan((int)(n * elementSize), elementSize)));
            else Assert.True(actual.SequenceEqual(new byte[elementSize]));
        }
    }

    private static byte[] Shuffle(byte[] data, int elementSize)
    {
        var count = data.Length / elementSize;
        var result = (byte[])data.Clone();
        for (var i = 0; i < count; i++)
            for (var k = 0; k < elementSize; k++)
                result[(k * count) + i] = data[(i * elementSize) + k];
        return result;
    }
}
