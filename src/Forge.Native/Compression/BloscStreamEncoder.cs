using System.Buffers;
using System.Buffers.Binary;
using Forge.Core.Codecs;

namespace Forge.Native.Compression;

/// <summary>
/// Builds a blosc 1.x frame block by block as the object's bytes arrive, byte-identical to one
/// <c>blosc_compress_ctx</c> of the whole object (<see cref="BloscCodec.Encode"/>). The frame is a 16-byte header,
/// the block starts (bstarts), then every block compressed on its own; libblosc compresses each block here (a
/// one-block frame with the same forced blocksize), and the payload after its header and bstart is the block's part
/// of the whole frame. Two things of the whole-buffer call are reproduced exactly:
/// <list type="bullet">
/// <item>The output bound: blosc gives up (and memcpys the whole buffer) when the frame would exceed
/// <c>nbytes + 16</c>; each block is compressed with the room the whole call would have had left, so it fails
/// exactly where the whole call would, and the object is then rewritten as the memcpy frame (the blocks already
/// written are decompressed on a scratch sink; the rest are stored raw from then on).</item>
/// <item>The last, partial block (no splitting): it is compressed as the second block of a two-block frame whose
/// first block is fixed incompressible filler (stored raw, so its room needs no slack from any compressor).</item>
/// </list>
/// </summary>
internal sealed unsafe class BloscStreamEncoder : IBytesStreamEncoder
{
    private const byte MemcpyedFlag = 0x02;

    private readonly BloscCodec _codec;
    private readonly BloscStreamLayout _layout;
    private readonly long _nbytes;
    private readonly int _blockSize;
    private readonly int _nblocks;
    private readonly int _leftover;
    private readonly int _headerBytes;
    private readonly long _maxBytes;
    private readonly int[] _bstarts;
    private byte[]? _staging;
    private int _filled;
    private int _block;
    private long _appended;
    private long _written; // ntbytes of the whole call: header, bstarts and payloads so far
    private int _memcpyFrom = -1; // first block stored raw once the whole call would have given up
    private long _rawStart;

    public BloscStreamEncoder(BloscCodec codec, BloscStreamLayout layout, long nbytes)
    {
        _codec = codec;
        _layout = layout;
        _nbytes = nbytes;
        _blockSize = layout.BlockSize;
        _leftover = (int)(nbytes % _blockSize);
        _nblocks = checked((int)(nbytes / _blockSize) + (_leftover > 0 ? 1 : 0));
        _headerBytes = BloscNative.MaxOverhead + (4 * _nblocks);
        _maxBytes = nbytes + BloscNative.MaxOverhead; // BloscCodec.Encode's destination size
        _bstarts = new int[_nblocks];
    }

    /// <summary>Bytes one open encoder holds between appends: the block being filled (and its block starts).</summary>
    public static long HeldBytes(int blockSize, long nbytes) => blockSize + (4 * ((nbytes / blockSize) + 1)) + 1024;

    /// <summary>
    /// Scratch while a block is being compressed (one encoder at a time per thread): the compressed block, and at the
    /// end the two-block frame of the partial block and its output (pooled arrays, rounded up to powers of two).
    /// </summary>
    public static long ScratchBytes(int blockSize) => 8L * (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)blockSize + 1024);

    public void Append(ReadOnlySpan<byte> decoded, IEncodedSink sink)
    {
        if (_appended + decoded.Length > _nbytes)
            throw new InvalidOperationException($"blosc stream: {_appended + decoded.Length} bytes appended to an object of {_nbytes}");
        if (_appended == 0 && decoded.Length > 0 && _written == 0)
        {
            sink.Reserve(_headerBytes);
            _written = _headerBytes;
        }

        _appended += decoded.Length;
        while (decoded.Length > 0)
        {
            if (_filled == 0 && decoded.Length >= _blockSize)
            {
                EmitFullBlock(decoded[.._blockSize], sink);
                decoded = decoded[_blockSize..];
                continue;
            }

            _staging ??= GC.AllocateUninitializedArray<byte>(_blockSize);
            int n = Math.Min(_blockSize - _filled, decoded.Length);
            decoded[..n].CopyTo(_staging.AsSpan(_filled));
            _filled += n;
            decoded = decoded[n..];
            if (_filled == _blockSize)
            {
                EmitFullBlock(_staging, sink);
                _filled = 0;
            }
        }
    }

    public void Finish(IEncodedSink sink)
    {
        if (_appended != _nbytes)
            throw new InvalidOperationException($"blosc stream: object of {_nbytes} bytes finished after {_appended}");
        if (_leftover > 0) EmitLeftover(_staging.AsSpan(0, _filled), sink);
        if (_block != _nblocks) throw new InvalidOperationException($"blosc stream: {_block} of {_nblocks} blocks written");
        if (_memcpyFrom < 0 && _written > _maxBytes)
        {
            // Unreachable while every block gets the whole call's room; kept so a frame never outgrows nbytes + 16.
            _memcpyFrom = _nblocks;
            _rawStart = sink.Length;
        }

        if (_memcpyFrom >= 0)
        {
            RewriteAsMemcpy(sink);
            return;
        }

        if (sink.Length != _written) throw new InvalidOperationException($"blosc stream: sink holds {sink.Length} bytes, the frame {_written}");
        var header = new byte[_headerBytes];
        WriteHeader(header, flags: _layout.Flags, cbytes: _written);
        for (int j = 0; j < _nblocks; j++) BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16 + (4 * j)), _bstarts[j]);
        sink.WriteAt(0, header);
    }

    public void Dispose() => _staging = null;

    private void EmitFullBlock(ReadOnlySpan<byte> block, IEncodedSink sink)
    {
        if (_memcpyFrom >= 0)
        {
            sink.Append(block);
            _block++;
            return;
        }

        // One-block frame: header (16) + bstart (4) + payload; the room left is what the whole call would have.
        int capacity = 20 + (4 * 16) + _blockSize + 64;
        var output = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            int room = (int)Math.Min(capacity, _maxBytes - _written + 20);
            int n = room < BloscNative.MaxOverhead ? 0 : Compress(block, output, room, _layout.ForcedFullBlock);
            if (n <= 0 || (output[2] & MemcpyedFlag) != 0)
            {
                StartMemcpy(block, sink);
                return;
            }

            var payload = output.AsSpan(20, n - 20);
            _bstarts[_block++] = checked((int)_written);
            sink.Append(payload);
            _written += payload.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private void EmitLeftover(ReadOnlySpan<byte> leftover, IEncodedSink sink)
    {
        if (_memcpyFrom >= 0)
        {
            sink.Append(leftover);
            _block++;
            return;
        }

        // [filler block][leftover]: the filler is stored raw (c0 bytes with its split prefixes), so the leftover
        // starts at 16 + 8 + c0 and gets the room the whole call would have had left.
        int total = _blockSize + leftover.Length;
        var input = ArrayPool<byte>.Shared.Rent(total);
        int capacity = 24 + (2 * ((4 * 16) + _blockSize)) + 64;
        var output = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            _layout.Filler.CopyTo(input.AsSpan());
            leftover.CopyTo(input.AsSpan(_blockSize));
            int c0 = _layout.FillerPayload;
            long room = Math.Min(capacity, _maxBytes - _written + 24 + c0);
            int n = room < 24 + c0 ? 0 : Compress(input.AsSpan(0, total), output, (int)room, _layout.ForcedFor(total));
            if (n <= 0 || (output[2] & MemcpyedFlag) != 0)
            {
                StartMemcpy(leftover, sink);
                return;
            }

            int b0 = BinaryPrimitives.ReadInt32LittleEndian(output.AsSpan(16)), b1 = BinaryPrimitives.ReadInt32LittleEndian(output.AsSpan(20));
            if (b0 != 24 || b1 != 24 + c0)
                throw new InvalidOperationException($"blosc stream: the filler block compressed to {b1 - b0} bytes, not {c0}");
            var payload = output.AsSpan(b1, n - b1);
            _bstarts[_block++] = checked((int)_written);
            sink.Append(payload);
            _written += payload.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private int Compress(ReadOnlySpan<byte> src, byte[] dst, int destSize, int forcedBlockSize)
    {
        int n;
        fixed (byte* s = src)
        fixed (byte* d = dst)
            n = BloscNative.CompressCtx(_codec.CLevel, (int)_codec.Shuffle, (nuint)_codec.TypeSize, (nuint)src.Length, s, d, (nuint)destSize, _codec.CName, (nuint)forcedBlockSize, 1);
        if (n < 0) throw new CodecException("blosc", $"compression failed (blosc_compress_ctx returned {n})");
        if (n > 0 && BinaryPrimitives.ReadInt32LittleEndian(dst.AsSpan(8)) != _blockSize && (dst[2] & MemcpyedFlag) == 0)
            throw new InvalidOperationException($"blosc stream: libblosc chose blocksize {BinaryPrimitives.ReadInt32LittleEndian(dst.AsSpan(8))}, not {_blockSize}");
        return n;
    }

    /// <summary>The whole call would give up here: this block and the rest are stored raw; Finish decompresses the ones before.</summary>
    private void StartMemcpy(ReadOnlySpan<byte> block, IEncodedSink sink)
    {
        _memcpyFrom = _block;
        _rawStart = sink.Length;
        sink.Append(block);
        _block++;
    }

    private void RewriteAsMemcpy(IEncodedSink sink)
    {
        using var scratch = sink.CreateScratch();
        var raw = new byte[_blockSize];
        for (int j = 0; j < _memcpyFrom; j++)
        {
            long start = _bstarts[j], end = j + 1 < _memcpyFrom ? _bstarts[j + 1] : _rawStart;
            var payload = new byte[end - start];
            sink.ReadAt(start, payload);
            bool partial = j == _nblocks - 1 && _leftover > 0;
            scratch.Append(DecompressBlock(payload, partial, raw));
        }

        var buffer = new byte[1 << 20];
        for (long at = _rawStart; at < sink.Length; at += buffer.Length)
        {
            int n = (int)Math.Min(buffer.Length, sink.Length - at);
            sink.ReadAt(at, buffer.AsSpan(0, n));
            scratch.Append(buffer.AsSpan(0, n));
        }

        if (scratch.Length != _nbytes) throw new InvalidOperationException($"blosc stream: rebuilt {scratch.Length} raw bytes of {_nbytes}");
        sink.SetLength(0);
        var header = new byte[BloscNative.MaxOverhead];
        WriteHeader(header, flags: (byte)(_layout.Flags | MemcpyedFlag), cbytes: _nbytes + BloscNative.MaxOverhead);
        sink.Append(header);
        for (long at = 0; at < _nbytes; at += buffer.Length)
        {
            int n = (int)Math.Min(buffer.Length, _nbytes - at);
            scratch.ReadAt(at, buffer.AsSpan(0, n));
            sink.Append(buffer.AsSpan(0, n));
        }
    }

    /// <summary>One block's payload back to its bytes, through a one-block frame (the partial block: the second of a filler frame).</summary>
    private ReadOnlySpan<byte> DecompressBlock(byte[] payload, bool partial, byte[] raw)
    {
        int first = partial ? _layout.FillerPayload : 0;
        int starts = partial ? 24 : 20;
        int nbytes = partial ? _blockSize + _leftover : _blockSize;
        var frame = new byte[starts + first + payload.Length];
        WriteHeader(frame, _layout.Flags, cbytes: frame.Length, nbytes: nbytes);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(16), starts);
        if (partial)
        {
            BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(20), starts + first);
            _layout.FillerPayloadBytes.AsSpan().CopyTo(frame.AsSpan(starts));
        }

        payload.CopyTo(frame.AsSpan(starts + first));
        var output = partial ? new byte[nbytes] : raw;
        int n;
        fixed (byte* s = frame)
        fixed (byte* d = output)
            n = BloscNative.DecompressCtx(s, d, (nuint)nbytes, 1);
        if (n != nbytes) throw new CodecException("blosc", $"stream: a block did not decompress (blosc_decompress_ctx returned {n})");
        return partial ? output.AsSpan(_blockSize) : output;
    }

    private void WriteHeader(Span<byte> header, byte flags, long cbytes, long nbytes = -1)
    {
        _layout.HeaderStart.CopyTo(header);
        header[2] = flags;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], checked((int)(nbytes < 0 ? _nbytes : nbytes)));
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], _blockSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], checked((int)cbytes));
    }
}
