using Amazon.Runtime;
using Amazon.S3;
using Forge.Core.Storage;
using Forge.Storage.S3;
using Forge.Testing.Peers;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// A fresh bucket on the shared moto_server for a CLI test with an S3 target: what the recipe's <c>target.s3</c>
/// says, the credentials forge finds in the standard AWS environment variables (as a user's would be), an SDK client
/// and the store forge wrote, opened for checking.
/// </summary>
internal sealed class MotoBucket
{
    private readonly MotoServerFixture _moto;

    private MotoBucket(MotoServerFixture moto, string name)
    {
        _moto = moto;
        Name = name;
    }

    public static BasicAWSCredentials Credentials => new(MotoServerFixture.AccessKey, MotoServerFixture.SecretKey);

    /// <summary>The AWS credential variables for a forge child process.</summary>
    public static IEnumerable<KeyValuePair<string, string>> CredentialVariables =>
    [
        new("AWS_ACCESS_KEY_ID", MotoServerFixture.AccessKey),
        new("AWS_SECRET_ACCESS_KEY", MotoServerFixture.SecretKey),
    ];

    public string Name { get; }

    /// <summary>The recipe's <c>target.s3</c> value: moto's endpoint.</summary>
    public string TargetS3 => $"{{ endpoint: \"{_moto.Endpoint.ToString().TrimEnd('/')}\", region: us-east-1 }}";

    /// <summary>Creates a bucket named <paramref name="namePrefix"/> + 12 random hex digits.</summary>
    public static async Task<MotoBucket> CreateAsync(MotoServerFixture moto, string namePrefix)
    {
        var bucket = new MotoBucket(moto, namePrefix + Guid.NewGuid().ToString("N")[..12]);
        using var client = Client(moto);
        await client.PutBucketAsync(bucket.Name);
        return bucket;
    }

    /// <summary>Puts the credentials in this process's environment (forge children started by <see cref="Infrastructure.ForgeCli"/> inherit it).</summary>
    public static void ExportCredentials()
    {
        foreach (var (name, value) in CredentialVariables) Environment.SetEnvironmentVariable(name, value);
    }

    public static AmazonS3Client Client(MotoServerFixture moto) => new(Credentials,
        new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = MotoServerFixture.Region });

    public AmazonS3Client Client() => Client(_moto);

    /// <summary>"s3://bucket/prefix".</summary>
    public string Url(string prefix) => $"s3://{Name}/{prefix}";

    /// <summary>The store under <paramref name="prefix"/>, as forge's own S3 store reads it.</summary>
    public IStore Open(string prefix) => StoreLocator.Open(Url(prefix), new S3StoreOptions
    {
        Bucket = Name,
        Prefix = prefix,
        Endpoint = _moto.Endpoint,
        Credentials = Credentials,
    });
}
