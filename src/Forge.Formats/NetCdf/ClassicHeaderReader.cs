using System.Buffers.Binary;
using System.Text;
using Forge.Core.Datasets;

namespace Forge.Formats.NetCdf;

/// <summary>
/// Big-endian header fields (XDR) of a CDF-1/2/5 file, with CDF-5's 64-bit counts, from a seekable stream (a local
/// file or a range-read remote one). Every count and name length is checked against the bytes left, so a corrupt
/// header fails naming <c>source</c> instead of allocating what it claims. One reader for
/// <see cref="ClassicLayout"/> (local extent checks) and the remote header (Remote/ClassicHeader).
/// </summary>
internal sealed class ClassicHeaderReader(Stream stream, string source)
{
    private const int MaxName = 256;
    private readonly byte[] _scratch = new byte[8];

    public int Version { get; set; }

    public static long Pad(long n) => (n + 3) & ~3L;

    /// <summary><paramref name="a"/> × <paramref name="b"/>; huge CDF-5 dimension lengths overflow 64 bits: a corrupt header, named with the file and variable.</summary>
    public static long Multiply(string source, string variable, long a, long b)
    {
        if (b < 0 || (a != 0 && b > long.MaxValue / a))
            throw new DataException($"{source}: variable '{variable}': its declared size overflows 64 bits (dimension lengths too large); the header is corrupt");
        return a * b;
    }

    public byte[] Bytes(int n)
    {
        if (n > stream.Length - stream.Position) throw Truncated();
        var buffer = new byte[n];
        Fill(buffer);
        return buffer;
    }

    public int Int32()
    {
        Fill(_scratch.AsSpan(0, 4));
        return BinaryPrimitives.ReadInt32BigEndian(_scratch);
    }

    public long Int64()
    {
        Fill(_scratch.AsSpan(0, 8));
        return BinaryPrimitives.ReadInt64BigEndian(_scratch);
    }

    public long NonNeg()
    {
        var value = Version == 5 ? Int64() : (uint)Int32();
        if (value < 0) throw new DataException($"{source}: corrupt netCDF header (negative count)");
        return value;
    }

    /// <summary>A list length whose items take at least <paramref name="minItemBytes"/> each; rejects lengths the file cannot hold.</summary>
    public long Count(int minItemBytes)
    {
        var n = NonNeg();
        if (n > (stream.Length - stream.Position) / minItemBytes)
            throw new DataException($"{source}: corrupt netCDF header (a count of {n} does not fit in the file)");
        return n;
    }

    public string Name()
    {
        var len = NonNeg();
        if (len > MaxName || len > stream.Length - stream.Position) throw new DataException($"{source}: corrupt netCDF header (a name of {len} bytes)");
        var bytes = Bytes((int)len);
        Skip(Pad(len) - len);
        return Encoding.UTF8.GetString(bytes);
    }

    public void Skip(long n)
    {
        if (n == 0) return;
        if (stream.Position + n > stream.Length) throw Truncated();
        stream.Seek(n, SeekOrigin.Current);
    }

    private void Fill(Span<byte> buffer)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw Truncated();
        }
    }

    private DataException Truncated() => new($"{source}: the netCDF header is truncated");
}
