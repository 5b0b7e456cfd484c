using System.Text;
using Forge.Core.Kernels;

namespace Forge.Core.Tests.Kernels;

public sealed class Crc32CTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("hello", 0x9A71BB4Cu)]
    [InlineData("123456789", 0xE3069283u)] // the CRC-32C check value
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void Known_vectors(string text, uint expected) => Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Rfc3720_test_vectors()
    {
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Equals_bitwise_reference_for_odd_lengths()
    {
        var data = new byte[20_000];
        new Random(7).NextBytes(data);
        for (var len = 0; len < 1100; len += 37)
            Assert.Equal(Reference(data.AsSpan(0, len)), Crc32C.Compute(data.AsSpan(0, len)));
        // Lengths around the three-stream block (3 x 1024 bytes) and several blocks with tails.
        foreach (var len in new[] { 3071, 3072, 3073, 3080, 6144, 9999, 20_000 })
            Assert.Equal(Reference(data.AsSpan(0, len)), Crc32C.Compute(data.AsSpan(0, len)));
        Assert.Equal(Reference(data.AsSpan(5, 7000)), Crc32C.Compute(data.AsSpan(5, 7000)));
    }

    [Fact]
    public void Combine_gives_the_crc_of_the_concatenation()
    {
        var data = new byte[70_000];
        new Random(3).NextBytes(data);
        foreach (var cut in new[] { 0, 1, 16, 740, 3072, 40_000, 70_000 })
        {
            uint a = Crc32C.Compute(data.AsSpan(0, cut)), b = Crc32C.Compute(data.AsSpan(cut));
            Assert.Equal(Crc32C.Compute(data), Crc32C.Combine(a, b, data.Length - cut));
        }
    }

    private static uint Reference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }

        return ~crc;
    }
}
