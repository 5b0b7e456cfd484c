using Forge.Core.Datasets;
using Forge.Core.Sources;

namespace Forge.Sources;

/// <summary>
/// A remote file (http/https, s3) read by range requests through aligned 4 KiB blocks and a bounded LRU cache: the first
/// request takes 64 KiB (most headers), later ones only the missing blocks a read needs, consecutive ones in one
/// request (at most 4 MiB). Small blocks keep scattered reads cheap (HDF5 metadata, one value per record of a
/// classic record variable). The first reply fixes the file's length and validators; every
/// later request is conditional on them (If-Range), so a file that changes underneath is an error, never a mix.
/// </summary>
internal sealed class RangeReadInput : IRandomAccessInput
{
    internal const int BlockSize = 1 << 12;
    internal const int FirstRequest = 1 << 16;
    private const int MaxRequestBytes = 1 << 22;

    /// <summary>One ranged GET through the fetcher's retries, host limits, credentials and scrubbing.</summary>
    internal delegate Task<RangeReply> RangeFetch(long offset, Memory<byte> destination, InputValidators? expected, CancellationToken ct);

    private readonly RangeFetch _fetch;
    private readonly BlockCache _blocks;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _fetched;
    private int _requests;

    private RangeReadInput(string url, RangeFetch fetch, InputValidators validators, long maxCachedBytes)
    {
        Url = url;
        _fetch = fetch;
        Validators = validators;
        _blocks = new BlockCache(maxCachedBytes);
    }

    public string Url { get; }

    public long Length => Validators.Size;

    public InputValidators Validators { get; }

    public long BytesFetched => Interlocked.Read(ref _fetched);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>
    /// Reads the first block; null when the server does not honour ranges (a 200 with the whole file, an encoded body;
    /// <paramref name="notHonoured"/> is then true) or the file is empty.
    /// </summary>
    public static async Task<RangeReadInput?> OpenAsync(string url, RangeFetch fetch, long maxCachedBytes, Action notHonoured, CancellationToken ct)
    {
        var first = new byte[FirstRequest];
        RangeReply reply;
        try
        {
            reply = await fetch(0, first, null, ct).ConfigureAwait(false);
        }
        catch (FetchException e) when (e.StatusCode == 416)
        {
            return null; // an empty file: nothing to read by range
        }

        if (!reply.Honoured)
        {
            notHonoured();
            return null;
        }

        var input = new RangeReadInput(url, fetch, new InputValidators(reply.TotalLength, reply.ETag, reply.LastModified), maxCachedBytes);
        input.Count(reply.Count);
        if (reply.Count != Math.Min(FirstRequest, reply.TotalLength))
            throw new FetchException(url, $"the server sent {reply.Count} bytes for Range bytes=0-{FirstRequest - 1} of a {reply.TotalLength}-byte file");
        for (var at = 0; at < reply.Count; at += BlockSize) input._blocks.Add(at / BlockSize, first.AsSpan(at, Math.Min(BlockSize, reply.Count - at)).ToArray());
        return input;
    }

    public async ValueTask ReadAsync(long offset, Memory<byte> destination, CancellationToken ct = default)
    {
        if (destination.Length == 0) return;
        if (offset < 0 || offset > Length - destination.Length)
            throw new DataException($"{Url}: the header points at bytes {offset}–{offset + destination.Length} but the file has {Length} bytes (truncated or corrupt)");
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long end = offset + destination.Length;
            long firstBlock = offset / BlockSize, lastBlock = (end - 1) / BlockSize;
            for (long b = firstBlock; b <= lastBlock;)
            {
                if (_blocks.TryGet(b, out var cached))
                {
                    CopyOverlap(b * BlockSize, cached, offset, destination.Span);
                    b++;
                    continue;
                }

                long e = b;
                while (e < lastBlock && !_blocks.Contains(e + 1) && (e + 2 - b) * BlockSize <= MaxRequestBytes) e++;
                long from = b * BlockSize, to = Math.Min(Length, (e + 1) * BlockSize);
                var run = new byte[to - from];
                var reply = await _fetch(from, run, Validators, ct).ConfigureAwait(false);
                Count(reply.Count);
                if (!reply.Honoured)
                    throw new FetchException(Url, "the server answered a range request with the whole file (HTTP 200): the file changed since its first bytes were read, or the server stopped honouring ranges");
                if (reply.TotalLength != Length)
                    throw new FetchException(Url, $"the file changed while it was read (its length went from {Length} to {reply.TotalLength} bytes)");
                if (reply.Count != run.Length)
                    throw new FetchException(Url, $"the server sent {reply.Count} of the {run.Length} bytes asked for at offset {from}");
                CopyOverlap(from, run, offset, destination.Span);
                for (long k = b; k <= e; k++)
                {
                    long s = (k - b) * BlockSize;
                    _blocks.Add(k, run.AsSpan((int)s, (int)Math.Min(BlockSize, run.Length - s)).ToArray());
                }

                b = e + 1;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Count(int bytes)
    {
        Interlocked.Add(ref _fetched, bytes);
        Interlocked.Increment(ref _requests);
    }

    /// <summary>Copies the part of <paramref name="source"/> (at file offset <paramref name="sourceOffset"/>) that lies in the destination's range.</summary>
    private static void CopyOverlap(long sourceOffset, ReadOnlySpan<byte> source, long offset, Span<byte> destination)
    {
        long lo = Math.Max(sourceOffset, offset), hi = Math.Min(sourceOffset + source.Length, offset + destination.Length);
        if (hi <= lo) return;
        source.Slice((int)(lo - sourceOffset), (int)(hi - lo)).CopyTo(destination[(int)(lo - offset)..]);
    }

    public ValueTask DisposeAsync()
    {
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
