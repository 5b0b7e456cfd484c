using System.Collections.Immutable;

namespace Forge.Core.Planning;

/// <summary>How the engine gets every target object written within the memory budget.</summary>
public enum RechunkStrategy
{
    /// <summary>Every object that is open at once fits: one pass over the inputs.</summary>
    SinglePass,

    /// <summary>Objects are grouped so that each group's open set fits; each pass reads the inputs again.</summary>
    MultiPass,

    /// <summary>One pass writes partial objects (pieces) to an intermediate store on local scratch; objects are then assembled from their pieces.</summary>
    Spill,

    /// <summary>One pass; every object is encoded block by block as its steps arrive (its bytes complete in concat order), no object held whole.</summary>
    Stream,
}

/// <summary>
/// The objects of one array that a pass fills, as "columns": object indices with the concat axis set to 0 (a
/// column is every object along the concat axis at those other indices). Arrays without the concat dimension are
/// not in passes: each of their objects is read and written on its own.
/// </summary>
public sealed record PassArray(string Array, ImmutableArray<ImmutableArray<long>> Columns);

/// <summary>One pass over the inputs (in concat order): each input of the pass is opened and decoded once.</summary>
public sealed record PassPlan(int Number, ImmutableArray<PassArray> Arrays);

/// <summary>
/// The budget split between the stages, all charged to one memory account: accumulators (objects being
/// assembled, and spill pieces), decode (per decode worker: the input slab in source and target types and the
/// reader's own chunk buffers) and encode (encoded objects being encoded or written, pool rounding included).
/// </summary>
public sealed record MemoryShares(long Accumulators, long Decode, long Encode)
{
    public long Total => Accumulators + Decode + Encode;
}

/// <summary>
/// A run-time decision (from the budget and the cores), never part of an object's identity: which strategy, the
/// passes, how many decode/encode workers and writes in flight, and the estimates `forge plan` shows.
/// </summary>
/// <param name="OpenSetBytes">Largest accumulator memory one pass (or the spill pass) holds at once.</param>
/// <param name="DecodeBytes">Estimated bytes decoded from the inputs over all passes (whole input chunks count).</param>
/// <param name="IntermediateBytes">Bytes written to (and read back from) the intermediate store; 0 without spill.</param>
/// <param name="SlabBytes">Target bytes per decode worker for one slab (a run of concat steps of one input).</param>
/// <param name="SpillSteps">Concat steps per spill piece (0 without spill).</param>
/// <param name="Reason">Why this strategy: the cost comparison in words.</param>
public sealed record ExecutionSchedule(
    RechunkStrategy Strategy,
    ImmutableArray<PassPlan> Passes,
    MemoryShares Shares,
    int DecodeWorkers,
    int EncodeWorkers,
    int WritesInFlight,
    long OpenSetBytes,
    long DecodeBytes,
    long IntermediateBytes,
    long SlabBytes,
    long SpillSteps,
    string Reason)
{
    public long MemoryEstimate => Shares.Total;
}
