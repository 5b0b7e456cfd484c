using System.Buffers;
using System.Diagnostics;

namespace Forge.Sources;

/// <summary>What a body copy enforces: the stall timeout, a rate floor over a window, and the most bytes accepted.</summary>
/// <param name="StallTimeout">No byte at all for this long fails the attempt.</param>
/// <param name="MinRate">Bytes per second the body must average over each <paramref name="RateWindow"/>; 0 = no floor.</param>
/// <param name="RateWindow">The averaging window of the rate floor.</param>
/// <param name="MaxBytes">The most bytes the file may hold (declared length or the size cap); more is cut and fails.</param>
/// <param name="MaxBytesReason">Why <paramref name="MaxBytes"/> is the limit, for the message.</param>
/// <param name="Received">Told of each block written (<see cref="FetchOptions.BodyBytesReceived"/>).</param>
internal sealed record BodyLimits(TimeSpan StallTimeout, long MinRate, TimeSpan RateWindow, long MaxBytes, string MaxBytesReason, Action<long>? Received = null)
{
    public static BodyLimits From(FetchOptions options, long? declaredTotal, string declaredName = "the declared length")
    {
        var max = options.MaxSize;
        var reason = $"fetch.max_size ({Sizes(max)})";
        if (declaredTotal is { } declared && declared < max) (max, reason) = (declared, $"{declaredName} ({declared} bytes)");
        return new BodyLimits(options.EffectiveStallTimeout, options.MinRate, options.EffectiveRateWindow, max, reason, options.BodyBytesReceived);
    }

    internal static string Sizes(long bytes) => bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB"
        : bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";
}

/// <summary>
/// Streams a response body into a <see cref="DownloadFile"/>. An attempt fails when the body delivers no byte for the
/// stall timeout, averages less than the rate floor over a window (a trickle), or runs past the bytes allowed.
/// </summary>
internal static class BodyCopier
{
    private const int BufferSize = 1 << 17;

    public static async Task CopyAsync(Stream body, DownloadFile file, BodyLimits limits, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var window = Stopwatch.StartNew();
        var windowStartBytes = file.Length;
        try
        {
            while (true)
            {
                // The read waits at most until the stall timeout or the end of the rate window, whichever is first.
                var untilWindowEnd = limits.MinRate > 0 ? limits.RateWindow - window.Elapsed : Timeout.InfiniteTimeSpan;
                var wait = limits.MinRate > 0 && untilWindowEnd < limits.StallTimeout ? untilWindowEnd : limits.StallTimeout;
                if (wait <= TimeSpan.Zero) wait = TimeSpan.FromMilliseconds(1);
                stall.CancelAfter(wait);
                var stalled = window.Elapsed;
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    if (window.Elapsed - stalled >= limits.StallTimeout || limits.MinRate <= 0)
                        throw new TransientFetchException($"stalled: no data for {limits.StallTimeout.TotalSeconds:0.###}s after {file.Length} bytes");
                    throw TooSlow(file.Length - windowStartBytes, window.Elapsed, limits);
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
                if (file.Length + read > limits.MaxBytes)
                {
                    // Keep what fits so nothing past the limit touches the disk, then fail: the input is not what was promised.
                    throw new FetchException("", $"the body is longer than {limits.MaxBytesReason}; cut at {limits.MaxBytes} bytes");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                limits.Received?.Invoke(read);
                if (limits.MinRate > 0 && window.Elapsed >= limits.RateWindow)
                {
                    var received = file.Length - windowStartBytes;
                    if (received < limits.MinRate * limits.RateWindow.TotalSeconds) throw TooSlow(received, window.Elapsed, limits);
                    window.Restart();
                    windowStartBytes = file.Length;
                }

                // Reset the timer for the next read (CancelAfter replaces the pending one).
                stall.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static TransientFetchException TooSlow(long received, TimeSpan elapsed, BodyLimits limits) =>
        new($"too slow: {received} bytes in {elapsed.TotalSeconds:0.#}s, below fetch.min_rate {BodyLimits.Sizes(limits.MinRate)}/s");
}
