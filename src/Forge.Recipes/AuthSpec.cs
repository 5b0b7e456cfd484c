namespace Forge.Recipes;

/// <summary><c>inputs.fetch.auth</c>: how to authenticate downloads. Only environment variable names are stored, never secrets.</summary>
public abstract record AuthSpec
{
    private protected AuthSpec()
    {
    }
}

/// <summary><c>bearer_env: NAME</c>: an <c>Authorization: Bearer</c> token read from the environment variable NAME.</summary>
public sealed record BearerAuth(string TokenEnv) : AuthSpec;

/// <summary><c>basic: { username_env, password_env }</c>: HTTP basic credentials from two environment variables.</summary>
public sealed record BasicAuth(string UsernameEnv, string PasswordEnv) : AuthSpec;

/// <summary><c>netrc: true</c>: credentials from ~/.netrc (or $NETRC), looked up by host.</summary>
public sealed record NetrcAuth : AuthSpec;
