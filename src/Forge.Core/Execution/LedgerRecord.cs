namespace Forge.Core.Execution;

/// <summary>What <c>.forge/run.json</c> and the markers say (see <see cref="StoreRunLedger.ReadRecordAsync"/>).</summary>
/// <param name="Identity">The recorded identity; null when run.json is from an older ledger format.</param>
public sealed record LedgerRecord(RunIdentity? Identity, string Description, bool IsComplete, bool IsReplacing);
