using System.Buffers;
using System.Buffers.Binary;
using Forge.Core.Datasets;

namespace Forge.Formats.Grib;

/// <summary>
/// Finds GRIB messages in a file by their own framing ("GRIB", edition, total length), skipping bytes between
/// messages as ecCodes does. Messages are handed out as pooled buffers; a message cut by the end of the file is a
/// <see cref="DataException"/>.
/// </summary>
internal sealed class GribMessageFramer : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;

    public GribMessageFramer(string path)
    {
        _path = path;
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    /// <summary>One framed message: its bytes (rented; dispose to return) and where it starts in the file.</summary>
    internal sealed class Message(byte[] buffer, int length, long offset) : IDisposable
    {
        private byte[]? _buffer = buffer;

        public long Offset { get; } = offset;

        public int Length { get; } = length;

        public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(Message))).AsSpan(0, Length);

        public void Dispose()
        {
            if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
            _buffer = null;
        }
    }

    /// <summary>The next message, or null at the end of the file.</summary>
    public Message? Next(int number)
    {
        var offset = FindMagic();
        if (offset < 0) return null;
        Span<byte> header = stackalloc byte[16];
        "GRIB"u8.CopyTo(header);
        var got = ReadFully(header[4..]);
        if (got < 4 || (header[7] == 2 && got < 12))
        {
            throw new DataException($"{_path}: GRIB message {number} at byte {offset} is truncated (file ends inside its header)");
        }

        long length = header[7] switch
        {
            1 => (header[4] << 16) | (header[5] << 8) | header[6],
            2 => (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), long.MaxValue),
            _ => throw new DataException($"{_path}: GRIB message {number} at byte {offset} has unknown edition {header[7]}"),
        };

        if (header[7] == 1 && (length & 0x800000) != 0)
        {
            throw new DataException($"{_path}: GRIB message {number} at byte {offset} uses ECMWF's large GRIB1 encoding (> 8 MiB), which Forge does not read");
        }

        var headerLength = header[7] == 2 ? 16 : 8;

        // The header read took up to 16 bytes: a message declaring fewer cannot be real (found by fuzzing: a GRIB1
        // length of 12 made the copy below run backwards).
        if (length < Math.Max(headerLength + 4, 4 + got) || length > int.MaxValue)
        {
            throw new DataException($"{_path}: GRIB message {number} at byte {offset} declares an impossible length of {length} bytes");
        }

        if (offset + length > _stream.Length)
        {
            throw new DataException($"{_path}: GRIB message {number} at byte {offset} is truncated: it declares {length} bytes, the file has {_stream.Length - offset} left");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        header[..headerLength].CopyTo(buffer);
        // For GRIB1 the 8 bytes after the 8-byte header were already consumed into the header buffer.
        var consumed = 4 + got;
        header[headerLength..consumed].CopyTo(buffer.AsSpan(headerLength));
        var rest = ReadFully(buffer.AsSpan(consumed, (int)length - consumed));
        if (rest != length - consumed)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new DataException($"{_path}: GRIB message {number} at byte {offset} is truncated");
        }

        return new Message(buffer, (int)length, offset);
    }

    private long FindMagic()
    {
        // Match "GRIB" byte by byte (the stream is buffered); junk between messages is skipped, as ecCodes does.
        var matched = 0;
        while (true)
        {
            var b = _stream.ReadByte();
            if (b < 0) return -1;
            if (b == "GRIB"u8[matched])
            {
                if (++matched == 4) return _stream.Position - 4;
            }
            else
            {
                matched = b == 'G' ? 1 : 0;
            }
        }
    }

    private int ReadFully(Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = _stream.Read(destination[total..]);
            if (n == 0) break;
            total += n;
        }

        return total;
    }

    public void Dispose() => _stream.Dispose();
}
