using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Forge.Core.Storage;
using ByteRange = Forge.Core.Storage.ByteRange;

namespace Forge.Storage.S3;

/// <summary>
/// A store in an S3 bucket under a key prefix: single PUTs up to the multipart threshold, parallel multipart
/// uploads above it, streamed values (shards assembled on scratch) uploaded part by part through a fixed set of
/// part buffers, ranged GETs, paged listings, conditional creates (If-None-Match: *); every request shares one
/// concurrency bound.
/// </summary>
public sealed class S3Store : IStore, IConditionalWritableStore, IStreamingWritableStore, ITemporaryObjectSweeper, IDisposable
{
    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly S3StoreOptions _options;
    private readonly string _keyPrefix;
    private readonly SemaphoreSlim _gate;
    private readonly SemaphoreSlim _partBuffers;
    private readonly ConcurrentBag<byte[]> _idlePartBuffers = [];

    /// <summary>Creates a store with its own client configured from <paramref name="options"/>.</summary>
    public S3Store(S3StoreOptions options)
        : this(CreateClient(options), options, ownsClient: true)
    {
    }

    /// <summary>Creates a store over a caller-owned client (its configuration is used as is).</summary>
    public S3Store(IAmazonS3 client, S3StoreOptions options)
        : this(client, options, ownsClient: false)
    {
    }

    private S3Store(IAmazonS3 client, S3StoreOptions options, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = client;
        _ownsClient = ownsClient;
        _options = options;
        var prefix = options.Prefix.Trim('/');
        _keyPrefix = prefix.Length == 0 ? "" : prefix + "/";
        Url = prefix.Length == 0 ? $"s3://{options.Bucket}" : $"s3://{options.Bucket}/{prefix}";
        _gate = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _partBuffers = new SemaphoreSlim(options.StreamedPartBuffers, options.StreamedPartBuffers);
    }

    /// <summary>"s3://bucket" or "s3://bucket/prefix".</summary>
    public string Url { get; }

    /// <summary>The options this store was made with.</summary>
    public S3StoreOptions Options => _options;

    /// <summary>
    /// Opens "s3://bucket/prefix"; the bucket and prefix of <paramref name="options"/> (if given) are replaced
    /// by the URL's, everything else (endpoint, credentials, sizes) is kept.
    /// </summary>
    public static S3Store FromUrl(string url, S3StoreOptions? options = null)
    {
        var (bucket, prefix) = ParseUrl(url);
        return new S3Store(options is null ? new S3StoreOptions { Bucket = bucket, Prefix = prefix } : options with { Bucket = bucket, Prefix = prefix });
    }

    /// <summary>Splits "s3://bucket/some/prefix" into ("bucket", "some/prefix").</summary>
    public static (string Bucket, string Prefix) ParseUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        const string Scheme = "s3://";
        if (!url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || url.Length == Scheme.Length)
            throw new ArgumentException($"'{url}' is not an S3 URL (expected s3://bucket/prefix)", nameof(url));
        var rest = url[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..].Trim('/'));
    }

    public async ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, ByteRange? range = null, CancellationToken ct = default)
    {
        var name = ObjectKey(key);
        StoreArguments.Range(range, key, Url);
        // S3 has no empty range ("bytes=5-4" is ignored and returns everything): only existence matters.
        if (range is ByteRange.Bounded { Length: 0 } or ByteRange.Suffix { Length: 0 })
            return await ExistsAsync(key, ct) ? StoreBuffer.Rent(0) : null;

        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = name, ByteRange = ToS3Range(range) };
        return await CallAsync("GET", key, async token =>
        {
            try
            {
                using var response = await _client.GetObjectAsync(request, token);
                return await ReadBodyAsync(response, range, key, token);
            }
            catch (AmazonS3Exception e) when (IsMissingKey(e))
            {
                return null;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                return (IMemoryOwner<byte>)StoreBuffer.Rent(0); // the object exists; the range starts at or past its end
            }
        }, ct);
    }

    public async ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default)
    {
        var name = ObjectKey(key);
        return await CallAsync("HEAD", key, async token =>
        {
            try
            {
                await _client.GetObjectMetadataAsync(_options.Bucket, name, token);
                return true;
            }
            catch (AmazonS3Exception e) when (IsMissingKey(e))
            {
                return false;
            }
        }, ct);
    }

    public async ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var name = ObjectKey(key);
        ct.ThrowIfCancellationRequested();
        if (value.Length > _options.MultipartThreshold) await UploadMultipartAsync(key, name, value, ifAbsent: false, ct);
        else await PutAsync(key, name, value, ifAbsent: false, ct);
    }

    public async ValueTask<bool> SetIfAbsentAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default)
    {
        var name = ObjectKey(key);
        ct.ThrowIfCancellationRequested();
        // 409 ConditionalRequestConflict means a racing conditional write on the same key: S3 asks to retry.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return value.Length > _options.MultipartThreshold
                    ? await UploadMultipartAsync(key, name, value, ifAbsent: true, ct)
                    : await PutAsync(key, name, value, ifAbsent: true, ct);
            }
            catch (IOException e) when (attempt < 4 && e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.Conflict })
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
            }
        }
    }

    /// <summary>
    /// Uploads <paramref name="length"/> bytes read sequentially from <paramref name="content"/> without holding
    /// them whole: one PUT when they fit one streamed part, else a multipart upload whose parts are read into the
    /// store's part buffers and uploaded while the next is read (at most <see cref="S3StoreOptions.StreamedPartBuffers"/>
    /// buffers for all streamed values at once). Atomic as a PUT: the key shows the old value until the upload
    /// completes, and a failed or cancelled upload is aborted (a killed one is swept by the next run).
    /// </summary>
    public async ValueTask SetFromStreamAsync(StoreKey key, Stream content, long length, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var name = ObjectKey(key);
        ct.ThrowIfCancellationRequested();
        var partSize = (int)Math.Min(Array.MaxLength, Math.Max(_options.StreamedPartSize, (length + S3StoreOptions.MaxParts - 1) / S3StoreOptions.MaxParts));
        if (length <= partSize)
        {
            using var whole = await RentPartBufferAsync(partSize, ct);
            var value = whole.Array.AsMemory(0, (int)length);
            await content.ReadExactlyAsync(value, ct);
            await PutAsync(key, name, value, ifAbsent: false, ct);
            return;
        }

        var partCount = checked((int)((length + partSize - 1) / partSize));
        var initiated = await CallAsync("initiate multipart upload", key, token => _client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = name }, token), ct);
        var uploadId = initiated.UploadId;
        var completed = false;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var uploads = new List<Task>(partCount);
        try
        {
            var etags = new PartETag[partCount];
            try
            {
                for (int index = 0; index < partCount; index++)
                {
                    var part = await RentPartBufferAsync(partSize, failed.Token);
                    int partLength = (int)Math.Min(partSize, length - ((long)index * partSize));
                    try
                    {
                        await content.ReadExactlyAsync(part.Array.AsMemory(0, partLength), failed.Token);
                    }
                    catch
                    {
                        part.Dispose();
                        throw;
                    }

                    uploads.Add(UploadPartAsync(key, name, uploadId, index, partCount, part, partLength, etags, failed));
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // A part failed and cancelled the reading: its error, awaited below, is the one to report.
            }

            await Task.WhenAll(uploads);
            var complete = new CompleteMultipartUploadRequest { BucketName = _options.Bucket, Key = name, UploadId = uploadId, PartETags = [.. etags] };
            await CallAsync("complete multipart upload", key, token => _client.CompleteMultipartUploadAsync(complete, token), ct);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                await failed.CancelAsync();
                try
                {
                    await Task.WhenAll(uploads); // the parts' buffers must be back, and their requests over, before the abort
                }
                catch (Exception e) when (e is IOException or OperationCanceledException)
                {
                    // Already reported by the await above, or the failure that got us here matters more.
                }
                await AbortQuietlyAsync(name, uploadId);
            }
        }
    }

    public async ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default)
    {
        var name = ObjectKey(key);
        // S3 answers 204 whether or not the key existed: delete is idempotent without a HEAD.
        await CallAsync("DELETE", key, token => _client.DeleteObjectAsync(_options.Bucket, name, token), ct);
    }

    public async IAsyncEnumerable<StoreKey> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        StoreArguments.Prefix(prefix, Url);
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _keyPrefix + prefix };
        ListObjectsV2Response response;
        do
        {
            response = await CallAsync("LIST", prefix, token => _client.ListObjectsV2Async(request, token), ct);
            foreach (var item in response.S3Objects ?? [])
            {
                if (!item.Key.StartsWith(_keyPrefix, StringComparison.Ordinal)) continue;
                var relative = item.Key[_keyPrefix.Length..];
                // Folder markers ("dir/") and keys Zarr cannot name ("a//b") are not store keys.
                if (TryKey(relative) is { } storeKey) yield return storeKey;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true && !string.IsNullOrEmpty(request.ContinuationToken));
    }

    /// <summary>Aborts the incomplete multipart uploads under this store's prefix initiated before <paramref name="olderThan"/> (a killed writer's parts).</summary>
    public async ValueTask<int> SweepTemporaryObjectsAsync(DateTimeOffset olderThan, CancellationToken ct = default)
    {
        var request = new ListMultipartUploadsRequest { BucketName = _options.Bucket, Prefix = _keyPrefix };
        var stale = new List<(string Key, string UploadId)>();
        ListMultipartUploadsResponse response;
        do
        {
            response = await CallAsync("list multipart uploads", "", token => _client.ListMultipartUploadsAsync(request, token), ct);
            foreach (var upload in response.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && new DateTimeOffset(initiated.ToUniversalTime(), TimeSpan.Zero) >= olderThan) continue;
                stale.Add((upload.Key, upload.UploadId));
            }

            request.KeyMarker = response.NextKeyMarker;
            request.UploadIdMarker = response.NextUploadIdMarker;
        }
        while (response.IsTruncated == true);

        foreach (var (key, uploadId) in stale)
        {
            await CallAsync("abort multipart upload", key[_keyPrefix.Length..], token =>
                _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = key, UploadId = uploadId }, token), ct);
        }

        return stale.Count;
    }

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
        _gate.Dispose();
        _partBuffers.Dispose();
        _idlePartBuffers.Clear();
    }

    public override string ToString() => Url;

    /// <summary>Builds the client: endpoint and path style, checksums only when required, standard retries.</summary>
    internal static AmazonS3Client CreateClient(S3StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = new AmazonS3Config
        {
            // WHEN_REQUIRED: the default CRC trailers need AWSSDK.Extensions.CrtIntegration for some algorithms
            // and are not understood by every S3-compatible server.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = options.Retries,
            Timeout = options.RequestTimeout,
            ForcePathStyle = options.ForcePathStyle ?? options.Endpoint is not null,
        };
        if (options.Endpoint is null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }
        else
        {
            config.ServiceURL = options.Endpoint.ToString();
            config.AuthenticationRegion = options.Region;
        }

        if (options.Anonymous) return new AmazonS3Client(new AnonymousAWSCredentials(), config);
        return options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
    }

    private async Task<bool> PutAsync(StoreKey key, string name, ReadOnlyMemory<byte> value, bool ifAbsent, CancellationToken ct)
    {
        return await CallAsync("PUT", key, async token =>
        {
            var request = new PutObjectRequest
            {
                BucketName = _options.Bucket,
                Key = name,
                InputStream = StreamOf(value),
                IfNoneMatch = ifAbsent ? "*" : null,
            };
            try
            {
                await _client.PutObjectAsync(request, token);
                return true;
            }
            catch (AmazonS3Exception e) when (ifAbsent && e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                return false;
            }
        }, ct);
    }

    /// <summary>Uploads parts in parallel (bounded by the store's gate); any failure aborts the upload.</summary>
    private async Task<bool> UploadMultipartAsync(StoreKey key, string name, ReadOnlyMemory<byte> value, bool ifAbsent, CancellationToken ct)
    {
        // Grow the part size if the value would need more than 10,000 parts.
        var partSize = Math.Max(_options.PartSize, (value.Length + S3StoreOptions.MaxParts - 1) / S3StoreOptions.MaxParts);
        var partCount = (value.Length + partSize - 1) / partSize;

        var initiated = await CallAsync("initiate multipart upload", key, token => _client.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = _options.Bucket, Key = name }, token), ct);
        var uploadId = initiated.UploadId;
        var completed = false;
        try
        {
            var etags = new PartETag[partCount];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = ct };
            await Parallel.ForEachAsync(Enumerable.Range(0, partCount), parallel, async (index, token) =>
            {
                var offset = index * partSize;
                var part = value.Slice(offset, Math.Min(partSize, value.Length - offset));
                var uploaded = await CallAsync($"upload part {index + 1}/{partCount}", key, t => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket,
                    Key = name,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                    PartSize = part.Length,
                    InputStream = StreamOf(part),
                    IsLastPart = index == partCount - 1,
                }, t), token);
                etags[index] = new PartETag(index + 1, uploaded.ETag);
            });

            var complete = new CompleteMultipartUploadRequest
            {
                BucketName = _options.Bucket,
                Key = name,
                UploadId = uploadId,
                PartETags = [.. etags],
                IfNoneMatch = ifAbsent ? "*" : null,
            };
            var created = await CallAsync("complete multipart upload", key, async token =>
            {
                try
                {
                    await _client.CompleteMultipartUploadAsync(complete, token);
                    return true;
                }
                catch (AmazonS3Exception e) when (ifAbsent && e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    return false;
                }
            }, ct);
            completed = created;
            return created;
        }
        finally
        {
            if (!completed) await AbortQuietlyAsync(name, uploadId);
        }
    }

    /// <summary>Uploads one part of a streamed value from its buffer, then returns the buffer; a failure cancels the rest.</summary>
    private async Task UploadPartAsync(StoreKey key, string name, string uploadId, int index, int partCount, PartBuffer part, int partLength, PartETag[] etags, CancellationTokenSource failed)
    {
        using (part)
        {
            try
            {
                var uploaded = await CallAsync($"upload part {index + 1}/{partCount}", key, token => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _options.Bucket,
                    Key = name,
                    UploadId = uploadId,
                    PartNumber = index + 1,
                    PartSize = partLength,
                    InputStream = new MemoryStream(part.Array, 0, partLength, writable: false, publiclyVisible: true), // seekable: the SDK's retries rewind it
                    IsLastPart = index == partCount - 1,
                }, token), failed.Token);
                etags[index] = new PartETag(index + 1, uploaded.ETag);
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Waits for one of the store's streamed-part buffers. Buffers of the configured size are kept for reuse (the
    /// bound is their number); a larger part (a value of more than 10,000 parts) gets its own.
    /// </summary>
    private async ValueTask<PartBuffer> RentPartBufferAsync(int size, CancellationToken ct)
    {
        await _partBuffers.WaitAsync(ct);
        var standard = size == _options.StreamedPartSize;
        var array = standard && _idlePartBuffers.TryTake(out var idle) ? idle : GC.AllocateUninitializedArray<byte>(size);
        return new PartBuffer(this, array, standard);
    }

    /// <summary>A rented streamed-part buffer; dispose gives it back.</summary>
    private sealed class PartBuffer(S3Store store, byte[] array, bool reusable) : IDisposable
    {
        private int _returned;

        public byte[] Array => array;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) != 0) return;
            if (reusable) store._idlePartBuffers.Add(array);
            try { store._partBuffers.Release(); } catch (ObjectDisposedException) { }
        }
    }

    private async Task AbortQuietlyAsync(string name, string uploadId)
    {
        // Not the caller's token: a cancelled upload must still be aborted, or its parts are billed forever.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _options.Bucket, Key = name, UploadId = uploadId }, timeout.Token);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or OperationCanceledException)
        {
            // The original failure matters more; a lifecycle rule on the bucket cleans up what is left.
        }
    }

    /// <summary>Runs one request inside the concurrency gate and turns SDK failures into errors naming the URL.</summary>
    private async Task<T> CallAsync<T>(string operation, StoreKey key, Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        await CallAsync(operation, key.Value, call, ct);

    private async Task<T> CallAsync<T>(string operation, string key, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return await call(ct);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
                                  || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new IOException($"S3 {operation} of {Url}/{key} failed: {Describe(e)}", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Describe(Exception e) => e switch
    {
        AmazonS3Exception s3 => $"HTTP {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}",
        OperationCanceledException => "the request timed out",
        _ => e.Message,
    };

    private static async Task<IMemoryOwner<byte>> ReadBodyAsync(GetObjectResponse response, ByteRange? range, StoreKey key, CancellationToken ct)
    {
        var length = response.ContentLength;
        if (length > Array.MaxLength) throw new IOException($"value '{key}' is {length} bytes, more than one buffer can hold");
        StoreBuffer body;
        if (length >= 0)
        {
            body = StoreBuffer.Rent((int)length);
            try
            {
                await response.ResponseStream.ReadExactlyAsync(body.Memory, ct);
            }
            catch
            {
                body.Dispose();
                throw;
            }
        }
        else
        {
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, ct);
            body = StoreBuffer.CopyOf(copy.GetBuffer().AsSpan(0, (int)copy.Length));
        }

        // A server that ignores Range answers 200 with the whole value: cut the range out here.
        if (range is null || response.HttpStatusCode != HttpStatusCode.OK) return body;
        using (body)
        {
            var (offset, count) = range.Resolve(body.Memory.Length);
            return StoreBuffer.CopyOf(body.Memory.Span.Slice((int)offset, (int)count));
        }
    }

    private static Amazon.S3.Model.ByteRange? ToS3Range(ByteRange? range) => range switch
    {
        null => null,
        ByteRange.Bounded b => new Amazon.S3.Model.ByteRange(b.Start, b.Start + b.Length - 1),
        ByteRange.FromOffset o => new Amazon.S3.Model.ByteRange($"bytes={o.Start}-"),
        ByteRange.Suffix s => new Amazon.S3.Model.ByteRange($"bytes=-{s.Length}"),
        _ => throw new ArgumentOutOfRangeException(nameof(range), range, "unknown byte range kind"),
    };

    private static bool IsMissingKey(AmazonS3Exception e) => e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket";

    private static Stream StreamOf(ReadOnlyMemory<byte> value) =>
        MemoryMarshal.TryGetArray(value, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false, publiclyVisible: true)
            : new PinnedMemoryStream(value); // native memory (large engine buffers): read in place, no copy

    /// <summary>A read-only stream over memory pinned for the stream's lifetime (the caller keeps the memory alive until the request ends).</summary>
    private sealed unsafe class PinnedMemoryStream : UnmanagedMemoryStream
    {
        private MemoryHandle _pin;

        public PinnedMemoryStream(ReadOnlyMemory<byte> value)
        {
            _pin = value.Pin();
            Initialize((byte*)_pin.Pointer, value.Length, value.Length, FileAccess.Read);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            _pin.Dispose();
        }
    }

    private static StoreKey? TryKey(string relative)
    {
        try
        {
            return new StoreKey(relative);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private string ObjectKey(StoreKey key) => _keyPrefix + StoreArguments.Key(key, Url);
}
