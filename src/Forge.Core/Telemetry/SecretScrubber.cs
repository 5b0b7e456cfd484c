using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Forge.Core.Telemetry;

/// <summary>
/// The one place secrets are masked. It remembers every credential value in use (tokens, passwords, query secrets,
/// cloud keys) together with the forms it travels in (raw, URL-encoded, JSON-escaped, base64, and the base64
/// <c>user:password</c> of HTTP basic auth) and replaces any of them, wherever it appears, with <see cref="Mask"/>:
/// in messages, logs, JSON events and exception dumps, including text a server sent back.
/// </summary>
public sealed partial class SecretScrubber
{
    public const string Mask = "***";

    /// <summary>Values shorter than this are not masked on their own: they would mask ordinary words.</summary>
    public const int MinimumLength = 4;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    // Longest first, so a form that contains another (base64 of user:password vs a password) is masked whole.
    private string[] _forms = [];

    /// <summary>The scrubber every output channel of this process uses.</summary>
    public static SecretScrubber Shared { get; } = new();

    public bool IsEmpty => Volatile.Read(ref _forms).Length == 0;

    /// <summary>Registers a secret value (a token, password, query secret or key) in all its encodings.</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < MinimumLength) return;
        lock (_gate)
        {
            if (!_values.Add(secret)) return;
            var forms = new HashSet<string>(_forms, StringComparer.Ordinal);
            foreach (var form in Encodings(secret)) forms.Add(form);
            forms.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)));
            Publish(forms);
        }
    }

    /// <summary>Registers HTTP basic credentials: the password alone and the <c>user:password</c> pair, raw and base64.</summary>
    public void AddBasic(string? user, string? password)
    {
        Add(password);
        if (string.IsNullOrEmpty(password)) return;
        var pair = $"{user}:{password}";
        lock (_gate)
        {
            var forms = new HashSet<string>(_forms, StringComparer.Ordinal);
            foreach (var form in Encodings(pair)) forms.Add(form);

            // The Authorization header value; servers that echo it send it back verbatim or URL-encoded.
            var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));
            foreach (var form in Encodings(base64)) forms.Add(form);
            foreach (var form in Encodings(base64.TrimEnd('='))) forms.Add(form);
            Publish(forms);
        }
    }

    /// <summary><paramref name="text"/> with every registered form masked.</summary>
    public string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var forms = Volatile.Read(ref _forms);
        foreach (var form in forms)
        {
            if (text.Contains(form, StringComparison.Ordinal)) text = text.Replace(form, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Whether <paramref name="text"/> holds any registered form (for tests and self-checks).</summary>
    public bool Contains(string text)
    {
        foreach (var form in Volatile.Read(ref _forms))
        {
            if (text.Contains(form, StringComparison.Ordinal)) return true;
        }

        return false;
    }

    /// <summary>Every form of <paramref name="value"/> this scrubber masks (for tests that scan outputs).</summary>
    public static IReadOnlyList<string> Encodings(string value)
    {
        var forms = new HashSet<string>(StringComparer.Ordinal) { value };
        var escaped = Uri.EscapeDataString(value);
        forms.Add(escaped);
        forms.Add(LowerHex().Replace(escaped, m => m.Value.ToLowerInvariant()));
        forms.Add(WebUtility.UrlEncode(value)); // form encoding: space as '+'
        forms.Add(JsonEncodedText.Encode(value).Value); // default System.Text.Json escaping ('+' as \u002B)
        forms.Add(JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value);
        forms.RemoveWhere(f => f.Length < MinimumLength);
        return [.. forms];
    }

    private void Publish(HashSet<string> forms) =>
        Volatile.Write(ref _forms, [.. forms.Where(f => f.Length >= MinimumLength).OrderByDescending(f => f.Length).ThenBy(f => f, StringComparer.Ordinal)]);

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex LowerHex();
}
