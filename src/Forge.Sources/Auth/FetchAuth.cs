namespace Forge.Sources;

/// <summary>Credentials for http(s)/ftp inputs, named by environment variable so the recipe never holds a secret.</summary>
public abstract record FetchAuth
{
    private FetchAuth() { }

    /// <summary><c>Authorization: Bearer $VAR</c> on every http(s) request.</summary>
    public sealed record BearerEnv(string TokenEnv) : FetchAuth;

    /// <summary>HTTP basic auth / FTP login from two environment variables.</summary>
    public sealed record Basic(string UsernameEnv, string PasswordEnv) : FetchAuth;

    /// <summary>Per-host login from a .netrc file: <paramref name="Path"/>, else $NETRC, else $HOME/.netrc.</summary>
    public sealed record Netrc(string? Path = null) : FetchAuth;
}
