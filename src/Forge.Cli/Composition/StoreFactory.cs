using Forge.Core.Storage;
using Forge.Recipes;
using Forge.Storage.S3;

namespace Forge.Cli.Composition;

/// <summary>Opens a store from a target or cache URL (local path, file:// or s3://) with the recipe's S3 settings.</summary>
internal static class StoreFactory
{
    /// <param name="fsync">For a local store: flush writes to disk before they return (run.fsync, --no-fsync).</param>
    public static IStore Open(string url, S3Options? s3, bool fsync = true)
    {
        url = StoreUrl.Normalize(url, out var problem) ?? throw new UsageException($"store URL '{url}' is refused: {problem}");
        CheckLocalFolder(url);
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

        return StoreLocator.Open(url, options, fsync ? LocalStoreOptions.Default : new LocalStoreOptions { Fsync = false });
    }

    /// <summary>A local store is a folder: a regular file at its path (or at a parent's) is named clearly, before anything is written.</summary>
    private static void CheckLocalFolder(string url)
    {
        if (url.Contains("://", StringComparison.Ordinal) && !url.StartsWith("file://", StringComparison.Ordinal)) return;
        var path = url.StartsWith("file://", StringComparison.Ordinal) ? new Uri(url).LocalPath : url;
        if (path.Length == 0) return;
        for (var dir = Path.GetFullPath(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return;
            if (File.Exists(dir))
            {
                throw new UsageException(dir == Path.GetFullPath(path)
                    ? $"store '{url}' is a regular file, not a folder; give a folder path for the Zarr store"
                    : $"store '{url}' cannot be created: '{dir}' is a regular file, not a folder");
            }
        }
    }

    /// <summary>AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL (the AWS CLI's variables) select an S3-compatible endpoint when the recipe names none.</summary>
    private static Uri? EndpointFromEnvironment() =>
        Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") is { Length: > 0 } s ? new Uri(s)
        : Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } e ? new Uri(e) : null;
}
