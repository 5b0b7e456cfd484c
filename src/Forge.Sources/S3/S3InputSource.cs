using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Forge.Sources;

/// <summary>s3 inputs from any S3-compatible endpoint: HeadObject for size/ETag, GetObject with a byte range to resume.</summary>
internal sealed class S3InputSource : IInputSource, IRangeReadSource
{
    private readonly AmazonS3Client _client;
    private readonly FetchOptions _options;

    public S3InputSource(FetchOptions options)
    {
        _options = options;
        var s3 = options.S3;
        var region = string.IsNullOrEmpty(s3.Region) ? "us-east-1" : s3.Region;
        var config = new AmazonS3Config
        {
            // Retries belong to the fetcher's pipeline (one policy, counted and logged in one place).
            MaxErrorRetry = 0,
            Timeout = options.EffectiveTimeout,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(s3.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        else
        {
            config.ServiceURL = s3.Endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }

        // Credentials: anonymous for public buckets, else the SDK's default chain (env, profile, web identity, IMDS).
        _client = s3.Anonymous ? new AmazonS3Client(new AnonymousAWSCredentials(), config) : new AmazonS3Client(config);
    }

    public async Task DownloadAttemptAsync(InputRequest request, DownloadFile file, TransferState state, CancellationToken ct)
    {
        var bucket = request.Uri.Host;
        var key = Uri.UnescapeDataString(request.Uri.AbsolutePath.TrimStart('/'));
        try
        {
            if (state.ExpectedSize is null)
            {
                var head = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, ct).ConfigureAwait(false);
                state.ExpectedSize = head.ContentLength;
                state.ETag = head.ETag;
                state.LastModified = head.LastModified is { } lm ? new DateTimeOffset(lm.ToUniversalTime(), TimeSpan.Zero) : null;
            }

            if (file.Length > 0 && file.Length == state.ExpectedSize) return;
            var get = new GetObjectRequest { BucketName = bucket, Key = key };
            if (state.ETag is not null) get.EtagToMatch = state.ETag; // the object must not change under a resume
            if (file.Length > 0) get.ByteRange = new ByteRange(file.Length, state.ExpectedSize!.Value - 1);

            using var response = await _client.GetObjectAsync(get, ct).ConfigureAwait(false);
            if (response.HttpStatusCode != HttpStatusCode.PartialContent)
            {
                // A full body: its own length is the truth (the HEAD may be stale).
                file.Reset();
                state.ExpectedSize = response.ContentLength;
            }
            if (state.ExpectedSize > _options.MaxSize)
                throw new FetchException(request.RedactedUrl, $"the object is {state.ExpectedSize} bytes, more than fetch.max_size ({BodyLimits.Sizes(_options.MaxSize)})");
            await BodyCopier.CopyAsync(response.ResponseStream, file, BodyLimits.From(_options, state.ExpectedSize), ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            // The object was replaced: start over with its new metadata.
            file.Reset();
            state.ExpectedSize = null;
            state.ETag = null;
            throw new TransientFetchException("object changed during the download; starting over", 412, inner: e);
        }
        catch (Exception e) when (Failure(request, e, ct) is { } failure)
        {
            throw failure;
        }

        if (state.ExpectedSize is { } expected && file.Length != expected)
            throw new TransientFetchException($"S3 body short: got {file.Length} of {expected} bytes");
    }

    /// <summary>
    /// One ranged GetObject of <c>destination.Length</c> bytes at <paramref name="offset"/>; after the first reply
    /// conditional on its ETag (a replaced object is an error, never a mix of two versions). S3 always honours ranges.
    /// </summary>
    public async Task<RangeReply> RangeAttemptAsync(InputRequest request, long offset, Memory<byte> destination, Forge.Core.Sources.InputValidators? expected, CancellationToken ct)
    {
        var last = offset + destination.Length - 1;
        var get = new GetObjectRequest
        {
            BucketName = request.Uri.Host,
            Key = Uri.UnescapeDataString(request.Uri.AbsolutePath.TrimStart('/')),
            ByteRange = new ByteRange(offset, last),
        };
        if (expected?.ETag is { } etag) get.EtagToMatch = etag;
        try
        {
            using var response = await _client.GetObjectAsync(get, ct).ConfigureAwait(false);
            var modified = response.LastModified is { } lm ? new DateTimeOffset(lm.ToUniversalTime(), TimeSpan.Zero) : (DateTimeOffset?)null;
            // "bytes FROM-TO/TOTAL"
            var range = response.ContentRange ?? "";
            var slash = range.LastIndexOf('/');
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            if (response.HttpStatusCode != HttpStatusCode.PartialContent || !range.StartsWith("bytes ", StringComparison.Ordinal) || slash < 0 || dash < 0
                || !long.TryParse(range.AsSpan(6, dash - 6), System.Globalization.CultureInfo.InvariantCulture, out var from)
                || !long.TryParse(range.AsSpan(dash + 1, slash - dash - 1), System.Globalization.CultureInfo.InvariantCulture, out var to)
                || !long.TryParse(range.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture, out var total))
            {
                return new RangeReply(false, response.ContentLength, 0, response.ETag, modified, "");
            }

            if (from != offset || to < from || to > last)
                throw new FetchException(request.RedactedUrl, $"S3 answered Range bytes={offset}-{last} with Content-Range {range}");
            var count = checked((int)(to - from + 1));
            var got = await response.ResponseStream.ReadAtLeastAsync(destination[..count], count, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (got < count) throw new TransientFetchException($"S3 body short: got {got} of {count} bytes");
            return new RangeReply(true, total, count, response.ETag, modified, "bytes");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw new FetchException(request.RedactedUrl, "the object changed while it was read (its ETag no longer matches)", 412);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            throw new FetchException(request.RedactedUrl, $"S3 416 for Range bytes={offset}-{last}: the range lies past the end of the object", 416);
        }
        catch (Exception e) when (Failure(request, e, ct) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>An SDK failure as the fetcher's retryable or final failure; null for anything else (rethrown as it is).</summary>
    private Exception? Failure(InputRequest request, Exception e, CancellationToken ct)
    {
        switch (e)
        {
            case AmazonS3Exception s3:
                var status = (int)s3.StatusCode;
                var reason = $"S3 {status} {s3.ErrorCode ?? s3.StatusCode.ToString()}".TrimEnd();
                if (status is 408 or 429 || status >= 500 || s3.ErrorCode is "SlowDown" or "RequestTimeout")
                    return new TransientFetchException(reason, status, inner: s3);
                if (status == 403) reason += " (check credentials: AWS default chain, or s3.anonymous for public buckets)";
                return new FetchException(request.RedactedUrl, reason, status);
            case AmazonServiceException service when service.InnerException is HttpRequestException or IOException or TimeoutException || service.StatusCode >= HttpStatusCode.InternalServerError:
                return new TransientFetchException($"S3 request failed ({service.InnerException?.Message ?? service.Message})", (int)service.StatusCode, inner: service);
            case OperationCanceledException when !ct.IsCancellationRequested:
                return new TransientFetchException($"no S3 response within {_options.EffectiveTimeout.TotalSeconds:0.###}s", inner: e);
            case HttpRequestException http:
                return new TransientFetchException($"cannot reach the S3 endpoint ({http.Message})", inner: http);
            case AmazonClientException client:
                return new FetchException(request.RedactedUrl, $"S3 client error: {client.Message}");
            default:
                return null;
        }
    }

    public void Dispose() => _client.Dispose();
}
