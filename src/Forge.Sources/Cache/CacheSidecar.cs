using System.Text.Json;
using System.Text.Json.Serialization;

namespace Forge.Sources;

/// <summary>The JSON written beside each cache entry; its presence marks the entry complete.</summary>
internal sealed record CacheSidecar(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("last_modified")] DateTimeOffset? LastModified,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("fetched_at")] DateTimeOffset FetchedAt)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses a sidecar; null when it is unreadable (a corrupt entry).</summary>
    public static CacheSidecar? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var sidecar = JsonSerializer.Deserialize<CacheSidecar>(json, Json);
            return sidecar is { Sha256.Length: 64, Size: >= 0 } ? sidecar : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
