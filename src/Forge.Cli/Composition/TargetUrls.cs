namespace Forge.Cli;

/// <summary>Which target/cache URLs Forge can write: a local path, file:// or s3://. Anything else is a usage error.</summary>
internal static class TargetUrls
{
    public static void Check(string url, string where)
    {
        var colon = url.IndexOf("://", StringComparison.Ordinal);
        if (colon < 0) return;
        var scheme = url[..colon];
        if (scheme is "s3" or "file") return;
        throw new UsageException($"{where} '{url}': the {scheme}:// scheme is not supported for targets; use a local path, file:// or s3://bucket/prefix (S3-compatible stores such as GCS interoperability or MinIO work through s3:// with an endpoint)");
    }
}
