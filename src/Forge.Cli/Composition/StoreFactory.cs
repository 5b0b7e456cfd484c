using Forge.Core.Storage;
using Forge.Recipes;
using Forge.Storage.S3;

namespace Forge.Cli.Composition;

/// <summary>Opens a store from a target or cache URL (local path, file:// or s3://) with the recipe's S3 settings.</summary>
internal static class StoreFactory
{
    public static IStore Open(string url, S3Options? s3)
    {
        S3StoreOptions? options = null;
        if (url.StartsWith("s3://", StringComparison.Ordinal))
        {
            var (bucket, prefix) = S3Store.ParseUrl(url);
            options = new S3StoreOptions
            {
                Bucket = bucket,
                Prefix = prefix,
                Endpoint = s3?.Endpoint is { } e ? new Uri(e) : EndpointFromEnvironment(),
                Region = s3?.Region ?? Environment.GetEnvironmentVariable("AWS_REGION") ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1",
                Anonymous = s3?.Anonymous ?? false,
            };
        }

        return StoreLocator.Open(url, options);
    }

    /// <summary>AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (the AWS CLI's variables) select an S3-compatible endpoint when the recipe names none.</summary>
    private static Uri? EndpointFromEnvironment() =>
        Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") is { Length: > 0 } s ? new Uri(s)
        : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } e ? new Uri(e) : null;
}
