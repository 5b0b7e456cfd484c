using Forge.Core.Telemetry;
using Forge.Recipes;

namespace Forge.Cli.Composition;

/// <summary>
/// Tells the scrubber every credential this run can use before anything runs, so a message produced before the
/// fetcher resolves them (or by a component that never sees them) is masked too.
/// </summary>
internal static class SecretRegistration
{
    /// <summary>Environment variables the AWS SDK reads for S3 targets, caches and inputs.</summary>
    private static readonly string[] CloudSecrets = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

    // Real AWS secret keys are 40 characters and session tokens longer; placeholder values such as "test" (used
    // with moto and MinIO) would otherwise mask that word in every message.
    private const int CloudSecretMinimumLength = 16;

    public static void FromEnvironment(SecretScrubber scrubber, Func<string, string?> environment)
    {
        foreach (var name in CloudSecrets)
        {
            if (environment(name) is { Length: >= CloudSecretMinimumLength } value) scrubber.Add(value);
        }
    }

    public static void FromRecipe(SecretScrubber scrubber, Recipe recipe, Func<string, string?> environment)
    {
        var fetch = recipe.Inputs.Fetch;
        switch (fetch.Auth)
        {
            case BearerAuth b:
                scrubber.Add(environment(b.TokenEnv));
                break;
            case BasicAuth b:
                scrubber.AddBasic(environment(b.UsernameEnv), environment(b.PasswordEnv));
                break;
        }

        foreach (var env in fetch.QuerySecrets.Values) scrubber.Add(environment(env));
    }
}
