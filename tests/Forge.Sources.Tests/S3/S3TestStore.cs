using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.S3;
using Amazon.S3.Model;
using Forge.Core.Storage;

namespace Forge.Sources.Tests.S3;

/// <summary>A test-only IStore on an S3 bucket prefix (the real S3Store lives in Forge.Storage.S3).</summary>
public sealed class S3TestStore(AmazonS3Client client, string bucket, string prefix) : IStore
{
    public string Url => $"s3://{bucket}/{prefix}";

    private string Key(StoreKey key) => prefix.Length == 0 ? key.Value : $"{prefix}/{key.Value}";

    public async ValueTask<IMemoryOwner<byte>?> GetAsync(StoreKey key, Forge.Core.Storage.ByteRange? range = null, CancellationToken ct = default)
    {
        try
        {
            using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = Key(key) }, ct);
            using var ms = new MemoryStream();
            await response.ResponseStream.CopyToAsync(ms, ct);
            var all = ms.ToArray();
            var (offset, length) = range?.Resolve(all.Length) ?? (0, all.Length);
            return new Owner(all.AsMemory((int)offset, (int)length).ToArray());
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async ValueTask<bool> ExistsAsync(StoreKey key, CancellationToken ct = default)
    {
        try
        {
            await client.GetObjectMetadataAsync(bucket, Key(key), ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async ValueTask SetAsync(StoreKey key, ReadOnlyMemory<byte> value, CancellationToken ct = default) =>
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = Key(key), InputStream = new MemoryStream(value.ToArray()) }, ct);

    public async ValueTask DeleteAsync(StoreKey key, CancellationToken ct = default) =>
        await client.DeleteObjectAsync(bucket, Key(key), ct);

    public async IAsyncEnumerable<StoreKey> ListAsync(string listPrefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = Key(new StoreKey(listPrefix.Length == 0 ? "x" : listPrefix))[..^(listPrefix.Length == 0 ? 1 : 0)] };
        ListObjectsV2Response page;
        do
        {
            page = await client.ListObjectsV2Async(request, ct);
            foreach (var o in page.S3Objects ?? []) yield return new StoreKey(prefix.Length == 0 ? o.Key : o.Key[(prefix.Length + 1)..]);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }

    private sealed class Owner(byte[] data) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => data;

        public void Dispose() { }
    }
}
