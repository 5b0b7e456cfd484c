namespace Forge.Sources;

/// <summary>Secrets resolved for one request; never logged, never put in a message.</summary>
internal sealed record Credentials(string? BearerToken, string? UserName, string? Password)
{
    public static readonly Credentials None = new(null, null, null);

    public bool HasLogin => UserName is not null;
}
