using Forge.Core.Kernels;

namespace Forge.Core.Tests.Kernels;

// ForceScalar is process-wide, so these tests must not run in parallel with other users of the kernel.
[Collection(nameof(ByteShuffleTests))]
public sealed class ByteShuffleTests
{
    public static TheoryData<int, int> Sizes()
    {
        var data = new TheoryData<int, int>();
        foreach (var elementSize in new[] { 1, 2, 3, 4, 8, 16 })
            foreach (var length in new[] { 0, 1, 7, 15, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 4096 + 13, 100_003 })
                data.Add(elementSize, length);
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Vector_path_equals_scalar_reference_and_round_trips(int elementSize, int length)
    {
        var src = new byte[length];
        new Random(length * 31 + elementSize).NextBytes(src);
        var vector = new byte[length];
        var scalar = new byte[length];
        ByteShuffle.Shuffle(src, vector, elementSize);
        try
        {
            ByteShuffle.ForceScalar = true;
            ByteShuffle.Shuffle(src, scalar, elementSize);
        }
        finally
        {
            ByteShuffle.ForceScalar = false;
        }

        Assert.Equal(scalar, vector);
        Assert.Equal(Reference(src, elementSize), scalar);
        var back = new byte[length];
        ByteShuffle.Unshuffle(vector, back, elementSize);
        Assert.Equal(src, back);
        var backScalar = new byte[length];
        ByteShuffle.ForceScalar = true;
        try
        {
            ByteShuffle.Unshuffle(vector, backScalar, elementSize);
        }
        finally
        {
            ByteShuffle.ForceScalar = false;
        }

        Assert.Equal(src, backScalar);
    }

    [Fact]
    public void Float32_shuffle_groups_bytes_by_significance()
    {
        // Two little-endian floats 1.0f (00 00 80 3F) and 2.0f (00 00 00 40), plus one trailing byte kept as is.
        byte[] src = [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, 0xAB];
        var dst = new byte[src.Length];
        ByteShuffle.Shuffle(src, dst, 4);
        Assert.Equal([0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3F, 0x40, 0xAB], dst);
    }

    // The blosc definition, written independently of the kernel.
    private static byte[] Reference(byte[] src, int t)
    {
        var n = src.Length / t;
        var dst = (byte[])src.Clone();
        for (var i = 0; i < n; i++)
            for (var j = 0; j < t; j++)
                dst[j * n + i] = src[i * t + j];
        return dst;
    }
}
