using Amazon.Runtime;
using Amazon.S3;
using Forge.Testing.Peers;

namespace Forge.Storage.S3.Tests;

/// <summary>Clients, options and buckets against the shared moto_server.</summary>
internal static class Moto
{
    public static BasicAWSCredentials Credentials => new(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey);

    /// <summary>A raw SDK client for arranging and checking what the store did.</summary>
    public static AmazonS3Client Client(MotoServerFixture moto) => new(Credentials, new AmazonS3Config
    {
        ServiceURL = moto.Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = MotoServerFixture.Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public static S3StoreOptions Options(MotoServerFixture moto, string bucket, string prefix = "") => new()
    {
        Bucket = bucket,
        Prefix = prefix,
        Endpoint = moto.Endpoint,
        Credentials = Credentials,
        Retries = 4,
    };

    public static string UniqueBucket() => "forge-" + Guid.NewGuid().ToString("N")[..20];

    public static async Task<string> CreateBucketAsync(MotoServerFixture moto)
    {
        var bucket = UniqueBucket();
        using var client = Client(moto);
        await client.PutBucketAsync(bucket);
        return bucket;
    }
}
