using System.Buffers.Binary;
using System.Numerics;

namespace Forge.Core.Kernels;

/// <summary>CRC-32C (Castagnoli, RFC 3720) as the Zarr v3 <c>crc32c</c> codec uses it: init 0xFFFFFFFF, final xor.</summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>; "hello" gives 0x9A71BB4C.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>Continues a running (not yet inverted) CRC over more data, eight bytes at a time (SSE4.2/ARMv8 crc32 when present).</summary>
    internal static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var i = 0;
        for (; i + 8 <= data.Length; i += 8)
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++)
            crc = BitOperations.Crc32C(crc, data[i]);
        return crc;
    }
}
