using System.Buffers.Binary;
using System.Text;

namespace Forge.Testing.Files;

/// <summary>
/// Writes classic netCDF (CDF-1 or CDF-5) files byte by byte, so tests can make headers no library would write:
/// hostile names, dimension lengths that overflow, declared sizes beyond the file. Variables are NC_INT.
/// </summary>
public sealed class ClassicNetCdf
{
    private readonly List<(string Name, long Length)> _dims = [];
    private readonly List<(string Name, int[] DimIds, int[] Data)> _vars = [];

    public ClassicNetCdf(int version = 1) => Version = version is 1 or 5 ? version : throw new ArgumentOutOfRangeException(nameof(version));

    public int Version { get; }

    public ClassicNetCdf Dim(string name, long length)
    {
        _dims.Add((name, length));
        return this;
    }

    public ClassicNetCdf Var(string name, int[] dimIds, int[]? data = null)
    {
        _vars.Add((name, dimIds, data ?? []));
        return this;
    }

    public byte[] ToBytes()
    {
        var header = Header(0);
        var begin = header.Length;
        header = Header(begin);
        using var ms = new MemoryStream();
        ms.Write(header);
        foreach (var (_, _, data) in _vars)
        {
            foreach (var v in data) WriteInt32(ms, v);
        }

        return ms.ToArray();
    }

    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, ToBytes());
        return path;
    }

    private byte[] Header(long firstBegin)
    {
        using var ms = new MemoryStream();
        ms.Write("CDF"u8);
        ms.WriteByte((byte)Version);
        Count(ms, 0); // numrecs
        WriteInt32(ms, _dims.Count == 0 ? 0 : 0x0A);
        Count(ms, _dims.Count);
        foreach (var (name, length) in _dims)
        {
            Name(ms, name);
            Count(ms, length);
        }

        WriteInt32(ms, 0); // no global attributes
        Count(ms, 0);
        WriteInt32(ms, _vars.Count == 0 ? 0 : 0x0B);
        Count(ms, _vars.Count);
        var begin = firstBegin;
        foreach (var (name, dimIds, data) in _vars)
        {
            Name(ms, name);
            Count(ms, dimIds.Length);
            foreach (var id in dimIds) Count(ms, id);
            WriteInt32(ms, 0); // no attributes
            Count(ms, 0);
            WriteInt32(ms, 4); // NC_INT
            Count(ms, data.Length * 4L);
            if (Version == 1) WriteInt32(ms, (int)begin);
            else WriteInt64(ms, begin);
            begin += data.Length * 4L;
        }

        return ms.ToArray();
    }

    private void Count(Stream s, long value)
    {
        if (Version == 5) WriteInt64(s, value);
        else WriteInt32(s, (int)value);
    }

    private void Name(Stream s, string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        Count(s, bytes.Length);
        s.Write(bytes);
        for (var i = bytes.Length; i % 4 != 0; i++) s.WriteByte(0);
    }

    private static void WriteInt32(Stream s, int v)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, v);
        s.Write(b);
    }

    private static void WriteInt64(Stream s, long v)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, v);
        s.Write(b);
    }
}
