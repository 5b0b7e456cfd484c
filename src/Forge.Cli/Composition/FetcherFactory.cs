using Forge.Recipes;
using Forge.Sources;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Composition;

/// <summary>Builds the input fetcher (retries, auth, query secrets, cache, offline) from a recipe.</summary>
internal static class FetcherFactory
{
    /// <param name="progress">Told of body bytes as they arrive (the live view's fetch rate and ETA), when given.</param>
    public static InputFetcher Create(Recipe recipe, RunOverrides o, ILogger logger, string tempDirectory, Core.Telemetry.IProgressSink? progress = null)
    {
        var fetch = recipe.Inputs.Fetch;
        SecretRegistration.FromRecipe(Core.Telemetry.SecretScrubber.Shared, recipe, Environment.GetEnvironmentVariable);
        var options = new FetchOptions(fetch.Concurrency, fetch.Retries, fetch.Timeout)
        {
            Auth = fetch.Auth switch
            {
                BearerAuth b => new FetchAuth.BearerEnv(b.TokenEnv),
                BasicAuth b => new FetchAuth.Basic(b.UsernameEnv, b.PasswordEnv),
                NetrcAuth => new FetchAuth.Netrc(),
                _ => null,
            },
            QuerySecrets = fetch.QuerySecrets,
            Offline = o.Offline,
            Deadline = fetch.Deadline,
            MinRate = fetch.MinRate ?? FetchOptions.DefaultMinRate,
            MaxSize = fetch.MaxSize ?? FetchOptions.DefaultMaxSize,
            MaxRedirects = fetch.MaxRedirects,
            RefreshCache = o.Overwrite,
            BodyBytesReceived = progress is null ? null : progress.BytesReceived,
            S3 = new S3InputOptions(recipe.Target.S3?.Endpoint, recipe.Target.S3?.Region, recipe.Target.S3?.Anonymous ?? false),
        };
        var cacheUrl = o.Cache ?? recipe.Inputs.Cache;
        InputCache? cache = null;
        if (cacheUrl is not null)
        {
            var resolved = cacheUrl.Contains("://", StringComparison.Ordinal) ? cacheUrl : Path.GetFullPath(cacheUrl);
            cache = new InputCache(StoreFactory.Open(resolved, recipe.Target.S3));
        }

        return new InputFetcher(options, cache, logger, tempDirectory);
    }
}
