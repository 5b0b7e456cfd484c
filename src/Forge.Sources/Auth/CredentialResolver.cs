using System.Text;
using Forge.Core.Telemetry;

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
        FetchAuth.Basic b => Basic(Require(redactedUrl, b.UsernameEnv, "fetch.auth.basic.username_env", secret: false),
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

    private Credentials Basic(string? user, string? password)
    {
        scrubber.AddBasic(user, password);
        return new Credentials(null, user, password);
    }

    // A user name is an identity, not a secret (it would mask ordinary words); it is masked inside user:password.
    private string Require(string redactedUrl, string variable, string recipeKey, bool secret = true)
    {
        var value = environment(variable);
        if (string.IsNullOrEmpty(value))
            throw new FetchException(redactedUrl, $"environment variable {variable} (named by {recipeKey}) is not set");
        if (secret) scrubber.Add(value);
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
        return Basic(e.Login, e.Password);
    }
}
