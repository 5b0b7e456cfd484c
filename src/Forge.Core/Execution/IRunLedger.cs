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
}

/// <summary>The one place that records what is done, kept in the target under <c>.forge/</c>.</summary>
public interface IRunLedger
{
    ValueTask<(LedgerState State, string? Detail)> InspectAsync(string fingerprint, CancellationToken ct);

    /// <summary>Starts (or restarts) a run: wipes the target when <paramref name="wipe"/> and records the fingerprint.</summary>
    ValueTask BeginAsync(string fingerprint, string description, bool wipe, CancellationToken ct);

    ValueTask<bool> IsDoneAsync(string unitId, CancellationToken ct);

    ValueTask MarkDoneAsync(string unitId, CancellationToken ct);

    ValueTask CompleteAsync(CancellationToken ct);
}
