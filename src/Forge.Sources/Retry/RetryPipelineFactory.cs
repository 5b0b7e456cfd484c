using Polly;
using Polly.Retry;

namespace Forge.Sources;

/// <summary>The Polly retry pipeline shared by all schemes: exponential backoff with jitter, Retry-After honoured up to a cap.</summary>
internal static class RetryPipelineFactory
{
    /// <summary>Per-fetch callback (attempt, delay, reason) that counts and logs retries.</summary>
    public static readonly ResiliencePropertyKey<Action<int, TimeSpan, string>> RetryObserver = new("forge.retry-observer");

    public static ResiliencePipeline Create(FetchOptions options) => options.Retries <= 0 ? ResiliencePipeline.Empty : new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<TransientFetchException>(),
            MaxRetryAttempts = options.Retries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            MaxDelay = options.MaxRetryDelay,
            DelayGenerator = args =>
            {
                if (args.Outcome.Exception is TransientFetchException { RetryAfter: { } after })
                {
                    var capped = after < TimeSpan.Zero ? TimeSpan.Zero : after > options.RetryAfterCap ? options.RetryAfterCap : after;
                    return new ValueTask<TimeSpan?>(capped);
                }

                return new ValueTask<TimeSpan?>((TimeSpan?)null);
            },
            OnRetry = args =>
            {
                if (args.Context.Properties.TryGetValue(RetryObserver, out var observer))
                    observer(args.AttemptNumber, args.RetryDelay, (args.Outcome.Exception as TransientFetchException)?.Reason ?? "failed");
                return default;
            },
        })
        .Build();
}
