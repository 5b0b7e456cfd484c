using System.Collections.Concurrent;

namespace Forge.Sources;

/// <summary>Remembers every secret value read from the environment and masks it in any text before it leaves the fetcher.</summary>
internal sealed class SecretScrubber
{
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    public void Add(string? secret)
    {
        // Very short values would mask ordinary text; they still never get logged by the fetcher itself.
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 4) _secrets.TryAdd(secret, 0);
    }

    public string Scrub(string text)
    {
        foreach (var secret in _secrets.Keys)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
                text = text.Replace(secret, UrlRedactor.Mask, StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(secret);
            if (escaped != secret && text.Contains(escaped, StringComparison.Ordinal))
                text = text.Replace(escaped, UrlRedactor.Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
