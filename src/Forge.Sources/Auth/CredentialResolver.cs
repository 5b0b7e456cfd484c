using System.Text;

namespace Forge.Sources;

/// <summary>Reads credentials and query secrets from the environment (through an injectable lookup) and registers them for scrubbing.</summary>
internal sealed class CredentialResolver(FetchOptions options, Func<string, string?> environment, SecretScrubber scrubber)
{
    private readonly Lock _netrcLock = new();
    private NetrcFile? _netrc;

    /// <summary>Credentials for <paramref name="host"/>; throws a FetchException naming a missing variable (never a value).</summary>
    public Credentials Resolve(string redactedUrl, string host) => options.Auth switch
    {
        null => Credentials.None,
        FetchAuth.BearerEnv b => new Credentials(Require(redactedUrl, b.TokenEnv, "fetch.auth.bearer_env"), null, null),
        FetchAuth.Basic b => new Credentials(null, Require(redactedUrl, b.UsernameEnv, "fetch.auth.basic.username_env"),
            Require(redactedUrl, b.PasswordEnv, "fetch.auth.basic.password_env")),
        FetchAuth.Netrc n => FromNetrc(redactedUrl, n, host),
        _ => Credentials.None,
    };

    /// <summary>Appends the recipe's query secrets to <paramref name="url"/> (request time only).</summary>
    public string AppendQuerySecrets(string redactedUrl, string url)
    {
        if (options.QuerySecrets.Count == 0) return url;
        var sb = new StringBuilder(url);
        var fragment = url.IndexOf('#', StringComparison.Ordinal);
        var tail = "";
        if (fragment >= 0)
        {
            tail = url[fragment..];
            sb.Length = fragment;
        }

        var hasQuery = sb.ToString().Contains('?', StringComparison.Ordinal);
        foreach (var (param, env) in options.QuerySecrets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var value = Require(redactedUrl, env, $"fetch.query_secrets.{param}");
            sb.Append(hasQuery ? '&' : '?').Append(Uri.EscapeDataString(param)).Append('=').Append(Uri.EscapeDataString(value));
            hasQuery = true;
        }

        return sb.Append(tail).ToString();
    }

    private string Require(string redactedUrl, string variable, string recipeKey)
    {
        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
            throw new FetchException(redactedUrl, $"environment variable {variable} (named by {recipeKey}) is not set");
        scrubber.Add(value);
        return value;
    }

    private Credentials FromNetrc(string redactedUrl, FetchAuth.Netrc netrcAuth, string host)
    {
        lock (_netrcLock)
        {
            if (_netrc is null)
            {
                var path = netrcAuth.Path ?? environment("NETRC");
                if (string.IsNullOrEmpty(path))
                {
                    var home = environment("HOME");
                    path = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".netrc");
                }

                if (path is null || !File.Exists(path))
                    throw new FetchException(redactedUrl, $"fetch.auth.netrc is set but no .netrc file was found ({path ?? "$HOME is not set"})");
                _netrc = NetrcFile.Parse(File.ReadAllText(path));
            }
        }

        var entry = _netrc.Find(host);
        if (entry is not { } e) return Credentials.None;
        scrubber.Add(e.Login);
        scrubber.Add(e.Password);
        return new Credentials(null, e.Login, e.Password);
    }
}
