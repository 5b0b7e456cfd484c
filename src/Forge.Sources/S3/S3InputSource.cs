using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Forge.Sources;

/// <summary>s3 inputs from any S3-compatible endpoint: HeadObject for size/ETag, GetObject with a byte range to resume.</summary>
internal sealed class S3InputSource : IInputSource
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
        catch (AmazonS3Exception e)
        {
            var status = (int)e.StatusCode;
            var reason = $"S3 {status} {e.ErrorCode ?? e.StatusCode.ToString()}".TrimEnd();
            if (status is 408 or 429 || status >= 500 || e.ErrorCode is "SlowDown" or "RequestTimeout")
                throw new TransientFetchException(reason, status, inner: e);
            if (status == 403) reason += " (check credentials: AWS default chain, or s3.anonymous for public buckets)";
            throw new FetchException(request.RedactedUrl, reason, status);
        }
        catch (AmazonServiceException e) when (e.InnerException is HttpRequestException or IOException or TimeoutException || e.StatusCode >= HttpStatusCode.InternalServerError)
        {
            throw new TransientFetchException($"S3 request failed ({e.InnerException?.Message ?? e.Message})", (int)e.StatusCode, inner: e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TransientFetchException($"no S3 response within {_options.EffectiveTimeout.TotalSeconds:0.###}s", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new TransientFetchException($"cannot reach the S3 endpoint ({e.Message})", inner: e);
        }
        catch (AmazonClientException e)
        {
            throw new FetchException(request.RedactedUrl, $"S3 client error: {e.Message}");
        }

        if (state.ExpectedSize is { } expected && file.Length != expected)
            throw new TransientFetchException($"S3 body short: got {file.Length} of {expected} bytes");
    }

    public void Dispose() => _client.Dispose();
}
