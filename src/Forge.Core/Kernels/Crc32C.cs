using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Forge.Core.Kernels;

/// <summary>CRC-32C (Castagnoli, RFC 3720) as the Zarr v3 <c>crc32c</c> codec uses it: init 0xFFFFFFFF, final xor.</summary>
public static class Crc32C
{
    // Large inputs run three independent crc32 streams of StreamBytes each, hiding the instruction's 3-cycle
    // latency, then merge them: crc(A‖B) = shift(crc(A), |B|) ^ crc0(B), where shift appends |B| zero bytes.
    private const int StreamBytes = 1024;
    private static readonly uint[] ShiftTable = BuildShiftTable();

    /// <summary>The CRC-32C of <paramref name="data"/>; "hello" gives 0x9A71BB4C.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>Continues a running (not yet inverted) CRC over more data, eight bytes at a time (SSE4.2/ARMv8 crc32 when present).</summary>
    internal static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 3 * StreamBytes)
        {
            uint a = crc, b = 0, c = 0;
            ref var p = ref MemoryMarshal.GetReference(data);
            // Bounds are checked once by the loop condition above; the reads below stay inside 3 * StreamBytes.
            for (nint i = 0; i < StreamBytes; i += 8)
            {
                a = BitOperations.Crc32C(a, ReadLittle(ref Unsafe.Add(ref p, i)));
                b = BitOperations.Crc32C(b, ReadLittle(ref Unsafe.Add(ref p, i + StreamBytes)));
                c = BitOperations.Crc32C(c, ReadLittle(ref Unsafe.Add(ref p, i + 2 * StreamBytes)));
            }

            crc = Shift(Shift(a) ^ b) ^ c;
            data = data[(3 * StreamBytes)..];
        }

        var k = 0;
        for (; k + 8 <= data.Length; k += 8)
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[k..]));
        for (; k < data.Length; k++)
            crc = BitOperations.Crc32C(crc, data[k]);
        return crc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadLittle(ref byte source)
    {
        var v = Unsafe.ReadUnaligned<ulong>(ref source);
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

    // The register after StreamBytes zero bytes, via four 256-entry tables (the map is linear over GF(2)).
    private static uint Shift(uint crc) =>
        ShiftTable[crc & 0xFF] ^ ShiftTable[256 + ((crc >> 8) & 0xFF)] ^ ShiftTable[512 + ((crc >> 16) & 0xFF)] ^ ShiftTable[768 + (crc >> 24)];

    private static uint[] BuildShiftTable()
    {
        Span<uint> basis = stackalloc uint[32];
        for (var bit = 0; bit < 32; bit++)
        {
            var r = 1u << bit;
            for (var i = 0; i < StreamBytes; i += 8) r = BitOperations.Crc32C(r, 0UL);
            basis[bit] = r;
        }

        var table = new uint[4 * 256];
        for (var k = 0; k < 4; k++)
        {
            for (var v = 1; v < 256; v++)
            {
                var low = v & -v;
                table[k * 256 + v] = table[k * 256 + (v ^ low)] ^ basis[8 * k + BitOperations.TrailingZeroCount(low)];
            }
        }

        return table;
    }

    // Reflected Castagnoli polynomial, for Combine's arithmetic modulo P(x).
    private const uint Polynomial = 0x82F63B78u;

    /// <summary>
    /// The CRC-32C of A‖B from crc(A), crc(B) and |B| (zlib's crc32_combine, over the Castagnoli polynomial): a
    /// streamed object whose header is written last gets its checksum without reading its body again.
    /// </summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB) => MultiplyModP(XPow8nModP(lengthB), crcA) ^ crcB;

    private static uint MultiplyModP(uint a, uint b)
    {
        uint m = 1u << 31, p = 0;
        while (true)
        {
            if ((a & m) != 0)
            {
                p ^= b;
                if ((a & (m - 1)) == 0) break;
            }

            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return p;
    }

    // x^(8n) mod P(x): n zero bytes appended.
    private static uint XPow8nModP(long n)
    {
        uint p = 1u << 31; // x^0
        uint square = 1u << 23; // x^8 (bit 31 - k is x^k): one byte
        while (n > 0)
        {
            if ((n & 1) != 0) p = MultiplyModP(square, p);
            square = MultiplyModP(square, square);
            n >>= 1;
        }

        return p;
    }
}
