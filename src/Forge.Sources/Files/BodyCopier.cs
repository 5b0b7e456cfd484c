using System.Buffers;

namespace Forge.Sources;

/// <summary>Streams a response body into a <see cref="DownloadFile"/>, failing an attempt that delivers no byte for the stall timeout.</summary>
internal static class BodyCopier
{
    private const int BufferSize = 1 << 17;

    public static async Task CopyAsync(Stream body, DownloadFile file, TimeSpan stallTimeout, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            while (true)
            {
                stall.CancelAfter(stallTimeout);
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new TransientFetchException(
                        $"stalled: no data for {stallTimeout.TotalSeconds:0.###}s after {file.Length} bytes");
                }
                catch (IOException e)
                {
                    throw new TransientFetchException($"connection lost after {file.Length} bytes ({e.Message})", inner: e);
                }
                catch (System.Net.Sockets.SocketException e)
                {
                    throw new TransientFetchException($"connection lost after {file.Length} bytes ({e.Message})", inner: e);
                }
                catch (System.Net.Http.HttpRequestException e)
                {
                    throw new TransientFetchException($"connection lost after {file.Length} bytes ({e.Message})", inner: e);
                }

                if (read == 0) break;
                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
