namespace Forge.Core.Execution;

/// <summary>The state of a target as the ledger sees it before a run.</summary>
public enum LedgerState
{
    /// <summary>Nothing in the target.</summary>
    Empty,

    /// <summary>A run with the same fingerprint started and did not finish: resume it.</summary>
    Resumable,

    /// <summary>A run with the same fingerprint finished: nothing to do.</summary>
    Complete,

    /// <summary>The target holds something else (another recipe, other inputs, or not a Forge store).</summary>
    Incompatible,

    /// <summary>An <c>--overwrite</c> was interrupted during its wipe: the next run finishes it and starts afresh.</summary>
    Replacing,
}

/// <summary>
/// The part of a store a finished run left readable: concat steps [0, <paramref name="ConcatLength"/>) written from the
/// first <paramref name="ConcatKeys"/> concat keys (all merge keys). An append reads the edge objects' old part back
/// from the store instead of downloading those inputs again.
/// </summary>
public sealed record AppendBase(long ConcatLength, int ConcatKeys);

/// <summary>The ledger's run record: the recorded identity (null when unreadable), its fingerprint, completion, append base, an interrupted wipe.</summary>
public sealed record RecordedRun(string? Fingerprint, RunIdentity? Identity, bool Complete, AppendBase? Base, bool Replacing);

/// <summary>The one place that records what is done, kept in the target under <c>.forge/</c>.</summary>
public interface IRunLedger
{
    /// <summary>
    /// Takes the target's lease (a second concurrent run gets <see cref="TargetConflictException"/>) and removes what
    /// killed runs left behind. Re-entrant on one ledger; the lease is released when the outermost handle is disposed.
    /// </summary>
    ValueTask<IAsyncDisposable> AcquireAsync(string purpose, CancellationToken ct) => AcquireAsync(purpose, null, ct);

    /// <summary>
    /// As <see cref="AcquireAsync(string, CancellationToken)"/>; with a <paramref name="shard"/> it takes that shard's
    /// lease instead: shards of one sharded run (same N) cooperate, while a plain run, a finalize, a second copy of
    /// the same shard or a shard of another N refuses.
    /// </summary>
    ValueTask<IAsyncDisposable> AcquireAsync(string purpose, Planning.ShardSlice? shard, CancellationToken ct);

    /// <summary>Compares the target with <paramref name="identity"/>; an incompatible target's detail says what differs.</summary>
    ValueTask<(LedgerState State, string? Detail)> InspectAsync(RunIdentity identity, CancellationToken ct);

    /// <summary>
    /// Starts (or restarts) a run and records the fingerprint. With <paramref name="wipe"/> it first replaces the
    /// target: refused (<see cref="TargetConflictException"/>, nothing deleted) when it holds anything Forge or Zarr
    /// did not write; otherwise recorded as in progress so an interrupted wipe is finished by the next run.
    /// </summary>
    ValueTask BeginAsync(RunIdentity identity, bool wipe, CancellationToken ct);

    ValueTask<bool> IsDoneAsync(string unitId, CancellationToken ct);

    /// <summary>What the target's ledger recorded (null for a target without one): the last run's identity, whether it finished, its append base.</summary>
    ValueTask<RecordedRun?> ReadAsync(CancellationToken ct);

    /// <summary>The recorded inputs (identity, validators, schema-pass result); null when none are recorded.</summary>
    ValueTask<IReadOnlyList<InputRecord>?> ReadInputsAsync(CancellationToken ct);

    /// <summary>Records every input of the run (written before data, so a rerun can skip inputs the source still vouches for).</summary>
    ValueTask RecordInputsAsync(IReadOnlyList<InputRecord> inputs, CancellationToken ct);

    /// <summary>
    /// Starts an append onto the store's finished part <paramref name="appendBase"/>: forgets the objects that must be
    /// written again (<paramref name="reopened"/>: edge objects the longer arrays extend), then records the new identity,
    /// so an interrupted append is resumed (never reported complete) and its base stays known.
    /// </summary>
    ValueTask BeginAppendAsync(RunIdentity identity, AppendBase appendBase, IReadOnlyCollection<string> reopened, CancellationToken ct);

    ValueTask MarkDoneAsync(string unitId, CancellationToken ct);

    /// <summary>Marks a stored object done, recording its key, size and CRC-32C for <c>forge verify</c>.</summary>
    ValueTask MarkDoneAsync(StoredObject stored, CancellationToken ct);

    /// <summary>Records that a shard of a sharded run wrote all its objects (what <c>forge finalize</c> reports).</summary>
    ValueTask MarkShardDoneAsync(Planning.ShardSlice shard, long objects, CancellationToken ct);

    /// <summary>The shards recorded by <see cref="MarkShardDoneAsync"/> ("0/4", "1/4", …).</summary>
    ValueTask<IReadOnlyList<Planning.ShardSlice>> FinishedShardsAsync(CancellationToken ct);

    ValueTask CompleteAsync(CancellationToken ct);

    /// <summary>A staged run's stage 1 stored a piece in the intermediate store (its id in the intermediate grid).</summary>
    ValueTask MarkPieceDoneAsync(string pieceId, CancellationToken ct);

    /// <summary>The pieces recorded by <see cref="MarkPieceDoneAsync"/>, read with one listing.</summary>
    ValueTask<IReadOnlySet<string>> DonePiecesAsync(CancellationToken ct);

    /// <summary>Records that a stage-1 shard of a staged run stored all the pieces of its inputs.</summary>
    ValueTask MarkStage1ShardDoneAsync(Planning.ShardSlice shard, long pieces, CancellationToken ct);

    /// <summary>The stage-1 shards recorded by <see cref="MarkStage1ShardDoneAsync"/>.</summary>
    ValueTask<IReadOnlyList<Planning.ShardSlice>> FinishedStage1ShardsAsync(CancellationToken ct);

    /// <summary>Forgets the pieces and stage-1 shards (after finalize deleted the intermediate store).</summary>
    ValueTask ForgetPiecesAsync(CancellationToken ct);
}
