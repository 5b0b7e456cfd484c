using System.Buffers.Binary;

namespace Forge.Formats.Kernels;

/// <summary>HDF5's Fletcher-32 checksum (H5_checksum_fletcher32): big-endian 16-bit words, blocks of 360, stored little-endian after the data.</summary>
public static class Fletcher32
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint sum1 = 0, sum2 = 0;
        var words = data.Length / 2;
        var p = 0;
        while (words > 0)
        {
            var block = Math.Min(words, 360);
            words -= block;
            for (var i = 0; i < block; i++)
            {
                sum1 += (uint)((data[p] << 8) | data[p + 1]);
                p += 2;
                sum2 += sum1;
            }

            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }

        if ((data.Length & 1) != 0)
        {
            sum1 += (uint)(data[p] << 8);
            sum2 += sum1;
            sum1 = (sum1 & 0xffff) + (sum1 >> 16);
            sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        }

        sum1 = (sum1 & 0xffff) + (sum1 >> 16);
        sum2 = (sum2 & 0xffff) + (sum2 >> 16);
        return (sum2 << 16) | sum1;
    }

    /// <summary>
    /// Checks the 4-byte checksum at the end of <paramref name="chunk"/>; returns the payload length. Accepts the
    /// byte-pair-swapped value HDF5 before 1.6.3 wrote, as HDF5 does.
    /// </summary>
    public static bool TryVerify(ReadOnlySpan<byte> chunk, out int payloadLength)
    {
        payloadLength = chunk.Length - 4;
        if (payloadLength < 0) return false;
        var stored = BinaryPrimitives.ReadUInt32LittleEndian(chunk[payloadLength..]);
        var computed = Compute(chunk[..payloadLength]);
        var reversed = ((computed & 0x00FF00FF) << 8) | ((computed >> 8) & 0x00FF00FF);
        return stored == computed || stored == reversed;
    }
}
