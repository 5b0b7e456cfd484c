using System.Collections.Concurrent;
using Forge.Core.Datasets;
using Forge.Core.Execution;
using Forge.Core.Storage;

namespace Forge.Core.Verification;

/// <summary>
/// <c>forge verify</c>: checks a target against its ledger and metadata (<see cref="StoreCheck"/>) and, given a
/// prepared run (the recipe's inputs fetched and combined), checks the inputs' identities and re-reads a sample of
/// them against the store (<see cref="InputSampleCheck"/>). Reads only; never writes to the target.
/// </summary>
public sealed class TargetVerifier(IStore store)
{
    /// <summary>Objects read at once.</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>The store only (no inputs).</summary>
    public Task<VerifyReport> VerifyAsync(CancellationToken ct) => VerifyAsync(null, null, null, 0, ct);

    /// <summary>
    /// The store, then with <paramref name="run"/> the inputs' identities against the ledger and <paramref name="sample"/>
    /// inputs re-read and compared (int.MaxValue: all).
    /// </summary>
    public async Task<VerifyReport> VerifyAsync(PreparedRun? run, ITargetWriter? writer, IDatasetOpener? opener, int sample, CancellationToken ct)
    {
        var findings = new ConcurrentQueue<VerifyFinding>();
        var (group, record, objects) = await new StoreCheck(store, findings).RunAsync(Parallelism, ct).ConfigureAwait(false);
        int sampled = 0;
        long values = 0;
        if (run is not null && writer is not null && opener is not null && group is not null)
        {
            var inputs = new InputSampleCheck(run, opener, group, findings);
            // Inputs the run read by range are recorded by their validators: the ledger's records let a download match them.
            var recorded = await new StoreRunLedger(store).ReadInputsAsync(ct).ConfigureAwait(false);
            inputs.CompareIdentity(await RunIdentity.BuildAsync(run, writer, ct, recorded).ConfigureAwait(false), record?.Identity);
            sampled = await inputs.RunAsync(sample, ct).ConfigureAwait(false);
            values = inputs.ValuesCompared;
        }

        return new VerifyReport([.. findings], group?.Arrays.Count ?? 0, objects, sampled, values);
    }
}
