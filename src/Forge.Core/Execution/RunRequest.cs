using System.Collections.Immutable;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Planning;

namespace Forge.Core.Execution;

/// <summary>One input of the file pattern: its position and its URL (secrets are added only at fetch time).</summary>
public sealed record RunInput(int ConcatIndex, int MergeIndex, string Url);

/// <summary>Everything the engine needs to run one recipe, independent of the YAML it came from.</summary>
public sealed record RunRequest(
    string RecipeId,
    string RecipeSha256,
    string ConcatDim,
    ImmutableArray<RunInput> Inputs,
    string Format,
    IReadOnlyDictionary<string, object?>? FormatOptions,
    ImmutableArray<DatasetTransform> Transforms,
    ChunkingPolicy Chunking,
    ImmutableDictionary<string, ChunkingPolicy> PerVariableChunking,
    AttributeSet ExtraAttributes,
    long MaxMemory,
    int Workers,
    int FetchConcurrency)
{
    public bool Overwrite { get; init; }

    /// <summary>Which data variables without the concat dimension get it (recipe <c>inputs.concat.data_vars</c>; xarray's <c>data_vars</c>).</summary>
    public Datasets.Combine.DataVariables DataVariables { get; init; }

    /// <summary>The recipe's items_per_file hint: when set, every input must hold exactly this many concat steps.</summary>
    public int? ItemsPerFile { get; init; }

    /// <summary>Forces the strategy when the budget allows it (null: chosen by cost). For benchmarks and tests.</summary>
    public Planning.RechunkStrategy? Strategy { get; init; }

    /// <summary>Local folder for the spill strategy's intermediate store (default: the system temp folder).</summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>
    /// With a slice, the run writes only that shard's objects and publishes nothing (<c>forge finalize</c> does, once
    /// every shard is done). Null: the whole store.
    /// </summary>
    public ShardSlice? Shard { get; init; }

    /// <summary>
    /// Inputs the pipeline fetches or holds ahead of their last use (null: two per concurrent fetch). With
    /// <see cref="InputWindowBytes"/> it bounds the local disk remote inputs take during a run.
    /// </summary>
    public int? InputWindowInputs { get; init; }

    /// <summary>Bytes of inputs the pipeline fetches or holds ahead of their last use, at least one input (null: 1 GiB).</summary>
    public long? InputWindowBytes { get; init; }

    /// <summary>
    /// The bytes→bytes codecs each array is written with (after an identity <c>bytes</c> codec): the planner asks
    /// them whether objects can be encoded as they arrive (the stream strategy). Null: nothing streams.
    /// </summary>
    public Func<ArrayPlan, IReadOnlyList<Codecs.IBytesToBytesCodec>>? Codecs { get; init; }

    /// <summary>The planner's question to <see cref="Codecs"/>: memory one streamed object of an array holds, null when it cannot stream.</summary>
    public Func<ArrayPlan, (long Held, long Scratch)?>? StreamMemory => Codecs is { } codecs ? a => Core.Codecs.StreamEncoding.Memory(codecs(a), a.ObjectBytes) : null;

    /// <summary>
    /// <c>--stage 1|2</c> of a sharded run whose plan spills: stage 1 shards split the inputs and store pieces in an
    /// intermediate store beside the target; stage 2 shards split the objects and assemble them from the pieces. Null:
    /// one stage (a plain sharded run reads the inputs its objects need). Without <see cref="Shard"/> it changes nothing.
    /// </summary>
    public int? Stage { get; init; }

    public string ForgeVersion { get; init; } = typeof(RunRequest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
