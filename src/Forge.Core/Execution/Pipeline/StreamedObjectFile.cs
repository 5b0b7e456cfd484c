using Forge.Core.Codecs;
using Forge.Core.Kernels;
using Microsoft.Win32.SafeHandles;

namespace Forge.Core.Execution.Pipeline;

/// <summary>
/// The file a streamed object is encoded into, block by block: for a local target the store's own temporary file
/// (renamed into place when complete), else a file on local scratch that the store uploads when complete. Keeps the
/// CRC-32C of what is written (the ledger's receipt) without reading the file again: a header reserved first and
/// written last is combined with the body's running CRC.
/// </summary>
internal sealed class StreamedObjectFile : IScratchSink
{
    private readonly SafeFileHandle _handle;
    private readonly Func<StreamedObjectFile, CancellationToken, ValueTask>? _publish;
    private long _reserved;
    private uint _bodyCrc = 0xFFFFFFFFu;
    private uint? _headerCrc;
    private bool _rewritten;
    private bool _published;

    /// <param name="publish">Makes the complete file the stored object (rename or upload); null for scratch.</param>
    public StreamedObjectFile(string path, Func<StreamedObjectFile, CancellationToken, ValueTask>? publish)
    {
        Path = path;
        _publish = publish;
        _handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
    }

    public string Path { get; }

    public long Length { get; private set; }

    public void Reserve(int count)
    {
        if (Length != 0) _rewritten = true;
        _reserved = count;
        Length += count;
        RandomAccess.SetLength(_handle, Length);
    }

    public void Append(ReadOnlySpan<byte> encoded)
    {
        RandomAccess.Write(_handle, encoded, Length);
        Length += encoded.Length;
        _bodyCrc = Kernels.Crc32C.Append(_bodyCrc, encoded);
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> bytes)
    {
        if (offset + bytes.Length > Length) throw new InvalidOperationException($"write at {offset} beyond the {Length} bytes of {Path}");
        RandomAccess.Write(_handle, bytes, offset);
        if (offset == 0 && bytes.Length == _reserved) _headerCrc = Kernels.Crc32C.Compute(bytes);
        else _rewritten = true;
    }

    public void ReadAt(long offset, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int n = RandomAccess.Read(_handle, destination, offset);
            if (n == 0) throw new IOException($"{Path} ended early");
            destination = destination[n..];
            offset += n;
        }
    }

    public void SetLength(long length)
    {
        RandomAccess.SetLength(_handle, length);
        Length = length;
        // What is rewritten from here on is all body: its CRC starts again.
        if (length == 0)
        {
            _reserved = 0;
            _headerCrc = null;
            _bodyCrc = 0xFFFFFFFFu;
            _rewritten = false;
        }
        else
        {
            _rewritten = true;
        }
    }

    public IScratchSink CreateScratch() => new StreamedObjectFile(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, $"{System.IO.Path.GetFileName(Path)}.raw"), null);

    /// <summary>The CRC-32C of the whole file.</summary>
    public uint Crc32C()
    {
        if (_rewritten || (_reserved > 0 && _headerCrc is null))
        {
            var buffer = new byte[1 << 20];
            uint crc = 0xFFFFFFFFu;
            for (long at = 0; at < Length; at += buffer.Length)
            {
                int n = (int)Math.Min(buffer.Length, Length - at);
                ReadAt(at, buffer.AsSpan(0, n));
                crc = Kernels.Crc32C.Append(crc, buffer.AsSpan(0, n));
            }

            return ~crc;
        }

        uint body = ~_bodyCrc;
        return _reserved == 0 ? body : Kernels.Crc32C.Combine(_headerCrc!.Value, body, Length - _reserved);
    }

    /// <summary>Opens the finished file for reading (an upload), from the start.</summary>
    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);

    /// <summary>Flushes the file to disk (run.fsync) before it is renamed into place.</summary>
    public void FlushToDisk() => RandomAccess.FlushToDisk(_handle);

    /// <summary>Closes the file and makes it the stored object; the file is then gone from scratch or renamed.</summary>
    public async ValueTask PublishAsync(CancellationToken ct)
    {
        if (_publish is null) throw new InvalidOperationException($"{Path} is scratch, not an object");
        await _publish(this, ct).ConfigureAwait(false);
        _published = true;
    }

    /// <summary>Closes the handle (the publish callback renames or uploads a closed file).</summary>
    public void Close() => _handle.Dispose();

    public void Dispose()
    {
        _handle.Dispose();
        if (!_published)
        {
            try { File.Delete(Path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
