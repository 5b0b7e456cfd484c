using System.Security.Cryptography;

namespace Forge.Sources;

/// <summary>
/// A download in progress: a temporary file plus a SHA-256 computed while the bytes stream in, so a resumed
/// transfer (Range / REST / ranged GetObject) keeps appending and hashing where the last attempt stopped.
/// </summary>
internal sealed class DownloadFile : IDisposable
{
    private readonly FileStream _stream;
    private IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public DownloadFile(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
    }

    public string Path { get; }

    /// <summary>Bytes received so far; the offset a resumed attempt asks for.</summary>
    public long Length { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _hash.AppendData(data.Span);
        await _stream.WriteAsync(data, ct).ConfigureAwait(false);
        Length += data.Length;
    }

    /// <summary>Starts over (the server ignored the range, or the remote file changed).</summary>
    public void Reset()
    {
        _stream.SetLength(0);
        _stream.Position = 0;
        _hash.Dispose();
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Length = 0;
    }

    /// <summary>Flushes, closes the file and returns the lowercase hex SHA-256 of its content.</summary>
    public async ValueTask<string> CompleteAsync(CancellationToken ct)
    {
        await _stream.FlushAsync(ct).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    public void Dispose()
    {
        _stream.Dispose();
        _hash.Dispose();
    }
}
