using System.Text;
using Amazon.Runtime;

namespace Forge.Storage.S3;

/// <summary>Where an <see cref="S3Store"/> lives and how it talks to S3 (AWS or any S3-compatible endpoint).</summary>
public sealed record S3StoreOptions
{
    /// <summary>Smallest part S3 accepts (except the last part of an upload).</summary>
    public const int MinPartSize = 5 * 1024 * 1024;

    /// <summary>Most parts one multipart upload may have.</summary>
    public const int MaxParts = 10_000;

    private const int SixteenMiB = 16 * 1024 * 1024;

    /// <summary>Bucket name.</summary>
    public required string Bucket { get; init; }

    /// <summary>Key prefix inside the bucket ("" or "path/to/target.zarr"); leading and trailing '/' are ignored.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Endpoint of an S3-compatible service (MinIO, moto, Ceph); null means AWS for <see cref="Region"/>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>AWS region, also used to sign requests to a custom endpoint.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Path-style addressing (endpoint/bucket/key); null means true exactly when <see cref="Endpoint"/> is set.</summary>
    public bool? ForcePathStyle { get; init; }

    /// <summary>Send unsigned requests (public buckets); no credentials are looked up.</summary>
    public bool Anonymous { get; init; }

    /// <summary>
    /// Explicit credentials; null uses the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
    /// AWS_PROFILE and ~/.aws files, web identity, container and instance roles).
    /// </summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Values longer than this many bytes are uploaded in parts.</summary>
    public long MultipartThreshold { get; init; } = SixteenMiB;

    /// <summary>Part size of multipart uploads (at least 5 MiB; grown when a value would need more than 10,000 parts).</summary>
    public int PartSize { get; init; } = SixteenMiB;

    /// <summary>
    /// Part size of streamed writes (<see cref="S3Store.SetFromStreamAsync"/>: shards assembled on scratch), at least
    /// 5 MiB; grown when a value would need more than 10,000 parts. Each part is read into a buffer of this size.
    /// </summary>
    public int StreamedPartSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>
    /// Part buffers streamed writes share (all streamed values of this store together): the memory they use is at
    /// most this many × <see cref="StreamedPartSize"/>, however large the values.
    /// </summary>
    public int StreamedPartBuffers { get; init; } = 2;

    /// <summary>Most requests in flight at once for this store (all operations and parts together).</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Retries of a request after throttling, 5xx or network errors (SDK standard retry mode, exponential backoff with jitter).</summary>
    public int Retries { get; init; } = 5;

    /// <summary>Timeout of one HTTP request attempt.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bucket) || Bucket.Length < 3 || Bucket.Contains('/'))
            throw new ArgumentException($"S3 bucket name '{Bucket}' is invalid (3+ characters, no '/')", nameof(Bucket));
        if (PartSize < MinPartSize)
            throw new ArgumentOutOfRangeException(nameof(PartSize), $"S3 part size {PartSize} is below the 5 MiB minimum");
        if (StreamedPartSize < MinPartSize)
            throw new ArgumentOutOfRangeException(nameof(StreamedPartSize), $"S3 streamed part size {StreamedPartSize} is below the 5 MiB minimum");
        if (StreamedPartBuffers < 1)
            throw new ArgumentOutOfRangeException(nameof(StreamedPartBuffers), "streamed writes need at least one part buffer");
        if (MultipartThreshold < 0)
            throw new ArgumentOutOfRangeException(nameof(MultipartThreshold), "the multipart threshold must not be negative");
        if (MaxConcurrency < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), "at least one request must be allowed in flight");
        if (Retries < 0)
            throw new ArgumentOutOfRangeException(nameof(Retries), "retries must not be negative");
        if (Anonymous && Credentials is not null)
            throw new ArgumentException("S3 options ask for anonymous access and give credentials: choose one", nameof(Anonymous));
    }

    // Records print every property; credentials must never reach a log line or an exception message.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Bucket = {Bucket}, Prefix = {Prefix}, Endpoint = {Endpoint}, Region = {Region}, ");
        builder.Append($"ForcePathStyle = {ForcePathStyle}, Anonymous = {Anonymous}, Credentials = {(Credentials is null ? "default chain" : "explicit")}, ");
        builder.Append($"MultipartThreshold = {MultipartThreshold}, PartSize = {PartSize}, StreamedPartSize = {StreamedPartSize}, StreamedPartBuffers = {StreamedPartBuffers}, MaxConcurrency = {MaxConcurrency}, ");
        builder.Append($"Retries = {Retries}, RequestTimeout = {RequestTimeout}");
        return true;
    }
}
