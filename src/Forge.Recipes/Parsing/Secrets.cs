using System.Collections.Frozen;

namespace Forge.Recipes.Parsing;

/// <summary>Keys that would put a secret into a recipe file, with the message that says what to write instead.</summary>
internal static class Secrets
{
    public static readonly FrozenDictionary<string, string> AuthKeys = new Dictionary<string, string>
    {
        ["bearer"] = "secrets must not be written in a recipe: use 'bearer_env: VARIABLE' naming the environment variable that holds the token",
        ["token"] = "secrets must not be written in a recipe: use 'bearer_env: VARIABLE' naming the environment variable that holds the token",
        ["username"] = "secrets must not be written in a recipe: use 'basic: { username_env: U, password_env: P }'",
        ["password"] = "secrets must not be written in a recipe: use 'basic: { username_env: U, password_env: P }'",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly FrozenDictionary<string, string> BasicKeys = new Dictionary<string, string>
    {
        ["username"] = "secrets must not be written in a recipe: use 'username_env: VARIABLE' naming the environment variable that holds the user name",
        ["password"] = "secrets must not be written in a recipe: use 'password_env: VARIABLE' naming the environment variable that holds the password",
        ["user"] = "secrets must not be written in a recipe: use 'username_env: VARIABLE' naming the environment variable that holds the user name",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const string AwsMessage = "credentials must not be written in a recipe: S3 credentials come from the standard AWS chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_PROFILE or 'profile:')";

    public static readonly FrozenDictionary<string, string> S3Keys = new[]
    {
        "access_key", "access_key_id", "aws_access_key_id", "secret", "secret_key", "secret_access_key",
        "aws_secret_access_key", "session_token", "aws_session_token", "key",
    }.ToFrozenDictionary(k => k, _ => AwsMessage, StringComparer.Ordinal);

    /// <summary>Query parameter names that carry credentials; written literally in a URL they are refused.</summary>
    public static readonly FrozenSet<string> QueryParameters = new[]
    {
        "apikey", "api_key", "api-key", "token", "access_token", "auth_token", "password", "passwd", "secret", "client_secret",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The first credential-like query parameter written in a URL, or null.</summary>
    public static string? SecretQueryParameter(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0) return null;
        foreach (var pair in url[(query + 1)..].Split('&'))
        {
            var name = pair.Split('=')[0];
            if (QueryParameters.Contains(name) && pair.Contains('=', StringComparison.Ordinal)) return name;
        }

        return null;
    }

    /// <summary>True when a URL carries user info (<c>scheme://user:pass@host</c>).</summary>
    public static bool HasUserInfo(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return false;
        var authorityEnd = url.IndexOfAny(['/', '?', '#', '{'], scheme + 3);
        var authority = authorityEnd < 0 ? url[(scheme + 3)..] : url[(scheme + 3)..authorityEnd];
        return authority.Contains('@', StringComparison.Ordinal);
    }
}
