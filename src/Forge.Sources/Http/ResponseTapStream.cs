using System.Net;

namespace Forge.Sources;

/// <summary>
/// The plaintext side of one HTTP/1.1 connection (after TLS), installed by SocketsHttpHandler.PlaintextStreamFilter.
/// It counts what the handler reads and where the response's header block ends, so Forge can tell whether a server
/// sent more than the Content-Length it declared: SocketsHttpHandler reads exactly the declared bytes, discards
/// whatever follows and drops the connection without a word. Forge sends <c>Connection: close</c> on every request,
/// so a connection carries one response and the tap belongs to the request that opened it.
/// </summary>
internal sealed class ResponseTapStream : Stream
{
    private const int HeadLimit = 1 << 16; // the handler's own limit on response headers (64 KiB)
    private static readonly HttpRequestOptionsKey<ResponseTapStream> Key = new("forge.response-tap");

    private readonly Stream _inner;
    private readonly Lock _gate = new();
    private byte[]? _head = new byte[HeadLimit];
    private int _headLength;
    private int _blockStart; // start of the response head being scanned (a 1xx head is followed by another)
    private long _received;
    private long _headerEnd = -1;
    private bool _held;
    private bool _handlerDisposed;

    private ResponseTapStream(Stream inner) => _inner = inner;

    /// <summary>The PlaintextStreamFilter: taps HTTP/1.x connections and records the tap on the request that opened it.</summary>
    public static Stream Attach(SocketsHttpPlaintextStreamFilterContext context)
    {
        if (context.NegotiatedHttpVersion.Major != 1) return context.PlaintextStream;
        var tap = new ResponseTapStream(context.PlaintextStream);
        context.InitialRequestMessage.Options.Set(Key, tap);
        return tap;
    }

    /// <summary>The tap of the connection that carried <paramref name="response"/>, if that connection was opened for it.</summary>
    public static ResponseTapStream? Of(HttpResponseMessage response) =>
        response.RequestMessage is { } request && request.Options.TryGetValue(Key, out var tap) ? tap : null;

    /// <summary>Keeps the connection open after the handler is done with it, until <see cref="Release"/>, for <see cref="BytesPastBodyAsync"/>.</summary>
    public void HoldOpen()
    {
        lock (_gate) _held = true;
    }

    /// <summary>Closes the connection if the handler is done with it (else the handler closes it).</summary>
    public void Release()
    {
        bool close;
        lock (_gate)
        {
            _held = false;
            close = _handlerDisposed;
        }

        if (close) _inner.Dispose();
    }

    /// <summary>
    /// Bytes the server sent past a body of <paramref name="bodyBytes"/>: those the handler already read, else one read
    /// past the end. An honest server closes the connection after the body (we asked for <c>Connection: close</c>), so
    /// the read ends at once with 0; one that keeps it open and silent for <paramref name="wait"/> sent nothing more.
    /// Call only after the handler has read the whole body.
    /// </summary>
    public async Task<long> BytesPastBodyAsync(long bodyBytes, TimeSpan wait, CancellationToken ct)
    {
        long received, headerEnd;
        lock (_gate) (received, headerEnd) = (_received, _headerEnd);
        if (headerEnd < 0) return 0; // a head the tap could not delimit: the handler refused it already
        var buffered = received - headerEnd - bodyBytes;
        if (buffered > 0) return buffered;

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(wait);
        try
        {
            var one = new byte[1];
            return await _inner.ReadAsync(one, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (IOException)
        {
            return 0; // a reset after the body: nothing more arrived
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Record(buffer.Span[..n]);
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = _inner.Read(buffer, offset, count);
        Record(buffer.AsSpan(offset, n));
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override void Flush() => _inner.Flush();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            bool close;
            lock (_gate)
            {
                _handlerDisposed = true;
                close = !_held;
            }

            if (close) _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private void Record(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            _received += data.Length;
            if (_head is null || data.IsEmpty) return;
            var take = Math.Min(data.Length, _head.Length - _headLength);
            data[..take].CopyTo(_head.AsSpan(_headLength));
            var scanFrom = Math.Max(_blockStart, _headLength - 3);
            _headLength += take;
            FindHeaderEnd(scanFrom);
        }
    }

    /// <summary>Finds the end of the final response head (a 1xx interim head is skipped), counted from the first byte read.</summary>
    private void FindHeaderEnd(int scanFrom)
    {
        var head = _head!.AsSpan(0, _headLength);
        for (var i = scanFrom; i + 4 <= head.Length; i++)
        {
            if (head[i] != '\r' || head[i + 1] != '\n' || head[i + 2] != '\r' || head[i + 3] != '\n') continue;
            var block = head[_blockStart..];
            var interim = block.Length > 9 && block.StartsWith("HTTP/1."u8) && block[9] == '1';
            if (!interim)
            {
                _headerEnd = i + 4;
                _head = null; // done: the rest is body
                return;
            }

            _blockStart = i + 4;
            i += 3;
        }

        if (_headLength == HeadLimit) _head = null; // longer than the handler accepts: it fails the response itself
    }
}
