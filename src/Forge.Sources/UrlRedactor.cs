using System.Text;

namespace Forge.Sources;

/// <summary>Makes URLs safe to show: drops userinfo and replaces the values of secret query parameters with ***.</summary>
public static class UrlRedactor
{
    /// <summary>Query parameters treated as secret even when the recipe does not name them (signed URLs, API keys).</summary>
    public static readonly IReadOnlySet<string> WellKnownSecretParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "token", "access_token", "auth", "apikey", "api_key", "key", "password", "passwd", "pwd", "secret",
        "signature", "sig", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature",
    };

    public const string Mask = "***";

    /// <summary>Redacts <paramref name="url"/>; <paramref name="secretParameters"/> adds recipe <c>query_secrets</c> names.</summary>
    public static string Redact(string url, IEnumerable<string>? secretParameters = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var result = url;
        if (schemeEnd > 0)
        {
            // userinfo is everything between "://" and the last '@' before the path.
            var authorityStart = schemeEnd + 3;
            var pathStart = result.IndexOfAny(['/', '?', '#'], authorityStart);
            var authorityEnd = pathStart < 0 ? result.Length : pathStart;
            var at = result.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
            if (at >= authorityStart)
            {
                result = string.Concat(result.AsSpan(0, authorityStart), result.AsSpan(at + 1));
            }
        }

        var query = result.IndexOf('?', StringComparison.Ordinal);
        if (query < 0) return result;
        var fragment = result.IndexOf('#', query);
        var queryEnd = fragment < 0 ? result.Length : fragment;
        var extra = secretParameters is null ? null : new HashSet<string>(secretParameters, StringComparer.OrdinalIgnoreCase);
        var sb = new StringBuilder(result.Length);
        sb.Append(result, 0, query + 1);
        var parts = result[(query + 1)..queryEnd].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) sb.Append('&');
            var part = parts[i];
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            if (eq >= 0 && (WellKnownSecretParameters.Contains(name) || (extra?.Contains(name) ?? false)))
            {
                sb.Append(part, 0, eq + 1).Append(Mask);
            }
            else
            {
                sb.Append(part);
            }
        }

        sb.Append(result, queryEnd, result.Length - queryEnd);
        return sb.ToString();
    }
}
