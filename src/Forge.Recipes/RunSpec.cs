using Forge.Core.Planning;

namespace Forge.Recipes;

/// <summary>
/// <c>run</c>: the memory bound for array data (bytes), decode/encode parallelism (null = auto), the rechunking
/// strategy (null = <c>auto</c>, chosen by cost) and the local scratch folder (null = the system temp folder).
/// </summary>
public sealed record RunSpec(long MaxMemory, int? Workers)
{
    /// <summary>2 GiB.</summary>
    public const long DefaultMaxMemory = 2L << 30;

    public static readonly RunSpec Default = new(DefaultMaxMemory, null);

    /// <summary>The names <c>run.strategy</c> and <c>--strategy</c> accept, and the strategy each forces (null = auto).</summary>
    public static readonly IReadOnlyDictionary<string, RechunkStrategy?> StrategyNames = new Dictionary<string, RechunkStrategy?>(StringComparer.Ordinal)
    {
        ["auto"] = null,
        ["single"] = RechunkStrategy.SinglePass,
        ["passes"] = RechunkStrategy.MultiPass,
        ["spill"] = RechunkStrategy.Spill,
        ["stream"] = RechunkStrategy.Stream,
    };

    /// <summary><c>run.strategy</c>: null = auto (the planner compares passes and spill by cost).</summary>
    public RechunkStrategy? Strategy { get; init; }

    /// <summary><c>run.scratch</c>: absolute local folder for the spill store and shard assembly (relative paths resolve against the recipe's folder).</summary>
    public string? Scratch { get; init; }

    /// <summary>
    /// <c>run.fsync</c> (default true): a local target's objects, ledger and metadata are flushed to disk before the
    /// ledger marks them done and before publish; false trades that for speed (a machine crash may then lose
    /// objects already marked done). No effect on S3 targets. Not part of the store's identity.
    /// </summary>
    public bool Fsync { get; init; } = true;
}
