using Forge.Core.Storage;
using Forge.Recipes;
using Forge.Storage.S3;

namespace Forge.Cli.Composition;

/// <summary>Opens a store from a target or cache URL: a local path, file://, or s3://bucket/prefix.</summary>
internal static class StoreFactory
{
    public static IStore Open(string url, S3Options? s3)
    {
        if (url.StartsWith("s3://", StringComparison.Ordinal))
        {
            var (bucket, prefix) = S3Store.ParseUrl(url);
            var options = new S3StoreOptions
            {
                Bucket = bucket,
                Prefix = prefix,
                Endpoint = s3?.Endpoint is { } e ? new Uri(e) : EndpointFromEnvironment(),
                Region = s3?.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1",
                Anonymous = s3?.Anonymous ?? false,
            };
            return new S3Store(options);
        }

        if (url.StartsWith("file://", StringComparison.Ordinal)) url = new Uri(url).LocalPath;
        if (url.Contains("://", StringComparison.Ordinal))
            throw new ArgumentException($"unsupported store URL '{url}': use a local path, file:// or s3://");
        return new LocalStore(Path.GetFullPath(url));
    }

    /// <summary>AWS_ENDPOINT_URL (the AWS CLI's variable) selects an S3-compatible endpoint when the recipe names none.</summary>
    private static Uri? EndpointFromEnvironment() =>
        Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") is { Length: > 0 } s ? new Uri(s)
        : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } e ? new Uri(e) : null;
}
