namespace Forge.Sources;

/// <summary>One URL scheme's transfer: a single attempt that appends to <see cref="DownloadFile"/> from its current length.</summary>
internal interface IInputSource : IDisposable
{
    /// <summary>Downloads (or resumes) the input; throws <see cref="TransientFetchException"/> for retryable failures and FetchException for final ones.</summary>
    Task DownloadAttemptAsync(InputRequest request, DownloadFile file, TransferState state, CancellationToken ct);

    /// <summary>One attempt to learn the input's size and validators without its body; null when this source cannot.</summary>
    Task<Forge.Core.Sources.InputValidators?> ProbeAttemptAsync(InputRequest request, CancellationToken ct) => Task.FromResult<Forge.Core.Sources.InputValidators?>(null);
}

/// <summary>A scheme that can read byte ranges of an input (http/https, s3): one attempt, retried by the fetcher.</summary>
internal interface IRangeReadSource
{
    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="offset"/>, conditional on <paramref name="expected"/> after the first reply.</summary>
    Task<RangeReply> RangeAttemptAsync(InputRequest request, long offset, Memory<byte> destination, Forge.Core.Sources.InputValidators? expected, CancellationToken ct);
}

/// <summary>What is being fetched: the real URL (only used on the wire), its redacted form and the resolved credentials.</summary>
internal sealed record InputRequest(Uri Uri, string RedactedUrl, Credentials Credentials, string RequestUrl);

/// <summary>What the remote side said about the input, kept across attempts to validate resumes.</summary>
internal sealed class TransferState
{
    /// <summary>Total size announced by the server (Content-Length, Content-Range, SIZE, HeadObject).</summary>
    public long? ExpectedSize { get; set; }

    public string? ETag { get; set; }

    public DateTimeOffset? LastModified { get; set; }
}
