using Forge.Core.Planning;

namespace Forge.Core.Execution;

/// <summary>What a run did, for the summary line/event.</summary>
/// <param name="ObjectsSkipped">Objects (chunks or shards) already done by an earlier, interrupted run.</param>
public sealed record RunSummary(
    string RecipeId,
    string Target,
    int Inputs,
    long BytesIn,
    long BytesOut,
    long ChunksWritten,
    long ObjectsSkipped,
    bool UpToDate,
    TimeSpan Elapsed)
{
    public RechunkStrategy Strategy { get; init; }

    /// <summary>The shard this run wrote (<c>--shard K/N</c>), or null for the whole store.</summary>
    public ShardSlice? Shard { get; init; }

    /// <summary>Objects of this run's slice (all objects without a shard).</summary>
    public long ObjectsInSlice { get; init; }

    public int Passes { get; init; }

    /// <summary>The stage of a staged sharded run (<c>--stage 1|2</c>), or null.</summary>
    public int? Stage { get; init; }

    /// <summary>Stage 1: pieces of this shard's inputs, and how many this run stored (the rest were stored before).</summary>
    public long PiecesInSlice { get; init; }

    public long PiecesWritten { get; init; }

    /// <summary>Inputs opened for data by this run (once per input and pass; the schema pass is not counted).</summary>
    public long InputsOpened { get; init; }

    /// <summary>Why a requested stage did something else (a plan that does not spill, --stage without --shard), or null.</summary>
    public string? StageNote { get; init; }

    /// <summary>Bytes read from the inputs' variables (source element types), over all passes.</summary>
    public long BytesDecoded { get; init; }

    /// <summary>Bytes written to and read back from the intermediate store (spill).</summary>
    public long SpillBytes { get; init; }

    /// <summary>Encoded inner chunks written to local scratch while shards were assembled (each read back once).</summary>
    public long ShardScratchBytes { get; init; }

    /// <summary>Most bytes the memory account held at once.</summary>
    public long PeakAccountedBytes { get; init; }

    /// <summary>Most bytes of downloaded (temporary) input files on local disk at once, schema pass and pipeline together.</summary>
    public long PeakInputDiskBytes { get; init; }

    /// <summary>Remote inputs downloaded in full (not from the cache), schema pass and pipeline together.</summary>
    public long InputDownloads { get; init; }

    /// <summary>Inputs whose header the schema pass read by range requests instead of downloading them.</summary>
    public int InputsReadByRange { get; init; }

    /// <summary>The process's peak resident memory (VmHWM from /proc/self/status), or null where /proc is not available.</summary>
    public long? PeakResidentBytes { get; init; }
}
