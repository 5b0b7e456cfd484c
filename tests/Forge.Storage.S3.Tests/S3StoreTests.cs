using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Forge.Core.Storage;
using Forge.Testing.Peers;
using Forge.Testing.Storage;
using ByteRange = Forge.Core.Storage.ByteRange;

namespace Forge.Storage.S3.Tests;

/// <summary>S3-only behaviour: multipart uploads, aborts, prefixes, anonymous access, credential hygiene.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3StoreTests(MotoServerFixture moto) : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private const string FakeSecret = "Forge-FAKE-secret-8c1f0e2d";
    private string _bucket = "";

    public async Task InitializeAsync() => _bucket = await Moto.CreateBucketAsync(moto);

    public Task DisposeAsync() => moto.ResetAsync();

    [Fact]
    public async Task ValuesAboveTheThresholdAreUploadedInParts()
    {
        var options = Moto.Options(moto, _bucket, "t") with { MultipartThreshold = 5 * MiB, PartSize = 5 * MiB };
        using var store = new S3Store(options);
        var big = StoreData.Random((12 * MiB) + 1, seed: 1);
        var small = StoreData.Random(5 * MiB, seed: 2);
        await store.SetAsync(new StoreKey("c/big"), big);
        await store.SetAsync(new StoreKey("c/small"), small);

        using var client = Moto.Client(moto);
        var bigHead = await client.GetObjectMetadataAsync(_bucket, "t/c/big");
        var smallHead = await client.GetObjectMetadataAsync(_bucket, "t/c/small");
        Assert.EndsWith("-3\"", bigHead.ETag, StringComparison.Ordinal); // 5 + 5 + 2 MiB
        Assert.DoesNotContain('-', smallHead.ETag); // exactly at the threshold: one PUT
        Assert.Equal(big.Length, bigHead.ContentLength);
        using var read = await store.GetAsync(new StoreKey("c/big"));
        Assert.Equal(big, read!.Memory.ToArray());
        var pending = await client.ListMultipartUploadsAsync(_bucket);
        Assert.Empty(pending.MultipartUploads ?? []);
    }

    [Fact]
    public async Task MultipartWorksWithASingleRequestInFlight()
    {
        // Parts and the initiate/complete calls share one gate: a bound of 1 must not deadlock.
        var options = Moto.Options(moto, _bucket) with { MultipartThreshold = 5 * MiB, PartSize = 5 * MiB, MaxConcurrency = 1 };
        using var store = new S3Store(options);
        var value = StoreData.Random(11 * MiB, seed: 3);
        await store.SetAsync(new StoreKey("one"), value).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        using var read = await store.GetAsync(new StoreKey("one"), new ByteRange.FromOffset(10 * MiB));
        Assert.Equal(value.AsSpan(10 * MiB).ToArray(), read!.Memory.ToArray());
    }

    [Fact]
    public async Task AFailedPartAbortsTheUpload()
    {
        var options = Moto.Options(moto, _bucket, "t") with { MultipartThreshold = 5 * MiB, PartSize = 5 * MiB };
        using var failing = new FailingPartClient(moto, failPart: 2);
        using var store = new S3Store(failing, options);
        var ex = await Assert.ThrowsAsync<IOException>(async () => await store.SetAsync(new StoreKey("c/0"), StoreData.Random(16 * MiB, seed: 4)));
        Assert.Contains($"s3://{_bucket}/t/c/0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("part 2/4", ex.Message, StringComparison.Ordinal);

        using var client = Moto.Client(moto);
        var pending = await client.ListMultipartUploadsAsync(_bucket);
        Assert.Empty(pending.MultipartUploads ?? []);
        Assert.False(await store.ExistsAsync(new StoreKey("c/0")));
    }

    [Fact]
    public async Task StreamedValuesAreUploadedPartByPartFromANonSeekableStream()
    {
        var options = Moto.Options(moto, _bucket, "t") with { StreamedPartSize = 5 * MiB, StreamedPartBuffers = 2 };
        using var store = new S3Store(options);
        var big = StoreData.Random((12 * MiB) + 1, seed: 11);
        var small = StoreData.Random(5 * MiB, seed: 12);
        await store.SetFromStreamAsync(new StoreKey("c/big"), new ForwardOnlyStream(big), big.Length);
        await store.SetFromStreamAsync(new StoreKey("c/small"), new ForwardOnlyStream(small), small.Length);
        await store.SetFromStreamAsync(new StoreKey("c/empty"), new ForwardOnlyStream([]), 0);

        using var client = Moto.Client(moto);
        Assert.EndsWith("-3\"", (await client.GetObjectMetadataAsync(_bucket, "t/c/big")).ETag, StringComparison.Ordinal); // 5 + 5 + 2 MiB
        Assert.DoesNotContain('-', (await client.GetObjectMetadataAsync(_bucket, "t/c/small")).ETag); // one part's worth: one PUT
        using (var read = await store.GetAsync(new StoreKey("c/big"))) Assert.Equal(big, read!.Memory.ToArray());
        using (var read = await store.GetAsync(new StoreKey("c/small"))) Assert.Equal(small, read!.Memory.ToArray());
        using (var read = await store.GetAsync(new StoreKey("c/empty"))) Assert.Equal(0, read!.Memory.Length);
        Assert.Empty((await client.ListMultipartUploadsAsync(_bucket)).MultipartUploads ?? []);
    }

    [Fact]
    public async Task StreamedWritesShareTheirPartBuffers()
    {
        // Three 20 MiB values streamed at once through two 5 MiB buffers: never more than two parts read ahead.
        var options = Moto.Options(moto, _bucket) with { StreamedPartSize = 5 * MiB, StreamedPartBuffers = 2 };
        using var counting = new CountingPartClient(moto);
        using var store = new S3Store(counting, options);
        var values = Enumerable.Range(0, 3).Select(i => StoreData.Random(20 * MiB, seed: 20 + i)).ToArray();
        await Task.WhenAll(values.Select((v, i) => store.SetFromStreamAsync(new StoreKey($"v{i}"), new ForwardOnlyStream(v), v.Length).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(12, counting.Parts);
        Assert.InRange(counting.MostInFlight, 1, 2);
        for (int i = 0; i < values.Length; i++)
        {
            using var read = await store.GetAsync(new StoreKey($"v{i}"));
            Assert.Equal(values[i], read!.Memory.ToArray());
        }
    }

    [Fact]
    public async Task AFailedStreamedPartAbortsTheUploadAndKeepsTheOldValue()
    {
        var options = Moto.Options(moto, _bucket, "t") with { StreamedPartSize = 5 * MiB, StreamedPartBuffers = 1 };
        using var failing = new FailingPartClient(moto, failPart: 2);
        using var store = new S3Store(failing, options);
        var old = StoreData.Random(1024, seed: 30);
        await store.SetAsync(new StoreKey("c/0"), old);
        var ex = await Assert.ThrowsAsync<IOException>(async () =>
            await store.SetFromStreamAsync(new StoreKey("c/0"), new ForwardOnlyStream(StoreData.Random(16 * MiB, seed: 31)), 16 * MiB));
        Assert.Contains($"s3://{_bucket}/t/c/0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("part 2/4", ex.Message, StringComparison.Ordinal);

        using var client = Moto.Client(moto);
        Assert.Empty((await client.ListMultipartUploadsAsync(_bucket)).MultipartUploads ?? []);
        using var read = await store.GetAsync(new StoreKey("c/0"));
        Assert.Equal(old, read!.Memory.ToArray());
        // The buffer came back: the next streamed write (one PUT) does not wait for it.
        var next = StoreData.Random(5 * MiB, seed: 32);
        await store.SetFromStreamAsync(new StoreKey("c/1"), new ForwardOnlyStream(next), next.Length).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TheSweepAbortsIncompleteUploadsUnderItsPrefixOnly()
    {
        // What kill -9 during a multipart upload leaves: an initiated upload with a part, never completed.
        using var client = Moto.Client(moto);
        async Task<string> StartAsync(string key)
        {
            var upload = await client.InitiateMultipartUploadAsync(_bucket, key);
            await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = _bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(StoreData.Random(1024, seed: 7)),
            });
            return upload.UploadId;
        }

        await StartAsync("t/sst/0.0");
        await StartAsync("t/.forge/done/x");
        var other = await StartAsync("elsewhere/sst/0.0");
        using var store = new S3Store(Moto.Options(moto, _bucket, "t"));

        // (moto reports every upload as initiated in 2010, so the age filter cannot be exercised here.)
        Assert.Equal(2, await store.SweepTemporaryObjectsAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
        var pending = await client.ListMultipartUploadsAsync(_bucket);
        Assert.Equal([other], (pending.MultipartUploads ?? []).Select(u => u.UploadId));
    }

    [Fact]
    public async Task ConditionalCreateOfALargeValueHonoursAnExistingKey()
    {
        var options = Moto.Options(moto, _bucket) with { MultipartThreshold = 5 * MiB, PartSize = 5 * MiB };
        using var store = new S3Store(options);
        var first = StoreData.Random(6 * MiB, seed: 5);
        Assert.True(await store.SetIfAbsentAsync(new StoreKey("lease"), first));
        Assert.False(await store.SetIfAbsentAsync(new StoreKey("lease"), StoreData.Random(6 * MiB, seed: 6)));
        using var read = await store.GetAsync(new StoreKey("lease"));
        Assert.Equal(first, read!.Memory.ToArray());
        using var client = Moto.Client(moto);
        var pending = await client.ListMultipartUploadsAsync(_bucket);
        Assert.Empty(pending.MultipartUploads ?? []);
    }

    [Fact]
    public async Task KeysLiveUnderThePrefixAndSiblingPrefixesStayApart()
    {
        using var a = new S3Store(Moto.Options(moto, _bucket, "/runs/a/"));
        using var ab = new S3Store(Moto.Options(moto, _bucket, "runs/ab"));
        Assert.Equal($"s3://{_bucket}/runs/a", a.Url);
        await a.SetAsync(new StoreKey("x/.zarray"), new byte[] { 1 });
        await ab.SetAsync(new StoreKey("y"), new byte[] { 2 });

        using var client = Moto.Client(moto);
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket });
        Assert.Equal(["runs/a/x/.zarray", "runs/ab/y"], listed.S3Objects.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["x/.zarray"], await ListAsync(a, ""));
        Assert.Equal(["y"], await ListAsync(ab, ""));
    }

    [Fact]
    public async Task FolderMarkersAreNotKeys()
    {
        using var client = Moto.Client(moto);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "t/dir/", ContentBody = "" });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "t/dir/v", ContentBody = "v" });
        using var store = new S3Store(Moto.Options(moto, _bucket, "t"));
        Assert.Equal(["dir/v"], await ListAsync(store, ""));
    }

    [Fact]
    public async Task AnonymousStoreReadsAPublicBucket()
    {
        using (var client = Moto.Client(moto))
        {
            await client.PutBucketAclAsync(new PutBucketAclRequest { BucketName = _bucket, ACL = S3CannedACL.PublicRead });
            await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = "pub/.zgroup", ContentBody = "{\"zarr_format\":2}", CannedACL = S3CannedACL.PublicRead });
        }

        using var store = new S3Store(new S3StoreOptions { Bucket = _bucket, Prefix = "pub", Endpoint = moto.Endpoint, Anonymous = true });
        Assert.Equal([".zgroup"], await ListAsync(store, ""));
        using var read = await store.GetAsync(new StoreKey(".zgroup"));
        Assert.Equal("{\"zarr_format\":2}", System.Text.Encoding.UTF8.GetString(read!.Memory.Span));
    }

    [Fact]
    public async Task ErrorsNameTheUrlAndKeyButNeverTheSecret()
    {
        var options = Moto.Options(moto, "no-such-bucket-forge", "p") with { Credentials = new BasicAWSCredentials("AKIAFORGETESTKEY", FakeSecret) };
        using var store = new S3Store(options);
        var ex = await Assert.ThrowsAsync<IOException>(async () => await store.SetAsync(new StoreKey("c/0/0"), new byte[] { 1 }));
        Assert.Contains("s3://no-such-bucket-forge/p/c/0/0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NoSuchBucket", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSecret, ex.ToString(), StringComparison.Ordinal);

        var missingBucketGet = await Assert.ThrowsAsync<IOException>(async () => await store.GetAsync(new StoreKey("c/0/0")));
        Assert.DoesNotContain(FakeSecret, missingBucketGet.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSecret, options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableEndpointFailsNamingTheUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // now nothing listens there
        var options = Moto.Options(moto, _bucket) with
        {
            Endpoint = new Uri($"http://127.0.0.1:{port}/"),
            Credentials = new BasicAWSCredentials("AKIAFORGETESTKEY", FakeSecret),
            Retries = 0,
        };
        using var store = new S3Store(options);
        var ex = await Assert.ThrowsAsync<IOException>(async () => await store.ExistsAsync(new StoreKey("k")));
        Assert.Contains($"s3://{_bucket}/k", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSecret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DefaultCredentialChainReadsTheEnvironment()
    {
        // moto accepts any key: this checks that a store without explicit credentials finds them in the environment.
        var saved = (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"));
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAFORGEENV");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", FakeSecret);
        try
        {
            using var store = S3Store.FromUrl($"s3://{_bucket}/env", Moto.Options(moto, "ignored") with { Credentials = null });
            await store.SetAsync(new StoreKey("k"), new byte[] { 7 });
            Assert.True(await store.ExistsAsync(new StoreKey("k")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", saved.Item2);
        }
    }

    private static async Task<List<string>> ListAsync(S3Store store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix)) keys.Add(key.Value);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    /// <summary>A stream that can only be read forward, as a shard assembled on scratch is.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(count, data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer.AsSpan(offset, n));
            _position += n;
            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A real client that counts part uploads and the most in flight at once (each held a little, so overlaps show).</summary>
    private sealed class CountingPartClient(MotoServerFixture moto) : AmazonS3Client(Moto.Credentials, new AmazonS3Config
    {
        ServiceURL = moto.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = MotoServerFixture.Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    })
    {
        private int _inFlight;
        private int _parts;
        private int _most;

        public int Parts => Volatile.Read(ref _parts);

        public int MostInFlight => Volatile.Read(ref _most);

        public override async Task<UploadPartResponse> UploadPartAsync(UploadPartRequest request, CancellationToken cancellationToken = default)
        {
            int now = Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _parts);
            int seen;
            while (now > (seen = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, now, seen) != seen) { }
            try
            {
                await Task.Delay(50, cancellationToken);
                return await base.UploadPartAsync(request, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    /// <summary>A real client that fails one part upload, as a dropped connection would after retries.</summary>
    private sealed class FailingPartClient(MotoServerFixture moto, int failPart) : AmazonS3Client(Moto.Credentials, new AmazonS3Config
    {
        ServiceURL = moto.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = MotoServerFixture.Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    })
    {
        public override Task<UploadPartResponse> UploadPartAsync(UploadPartRequest request, CancellationToken cancellationToken = default) =>
            request.PartNumber == failPart
                ? throw new AmazonS3Exception("injected failure", ErrorType.Receiver, "InternalError", "req-1", System.Net.HttpStatusCode.InternalServerError)
                : base.UploadPartAsync(request, cancellationToken);
    }
}
