using System.Collections.Immutable;
using Forge.Core.Datasets.Combine;
using Forge.Core.Planning;
using Forge.Core.Sources;

namespace Forge.Core.Execution;

/// <summary>
/// The result of the schema pass, combine and plan: what `forge plan` shows and what `forge run` executes. Owns
/// the fetched local copies of the inputs until disposed (the run's input window deletes each after its last use).
/// </summary>
public sealed class PreparedRun(RunRequest request, RunPlan plan, ImmutableDictionary<(int Concat, int Merge), FetchedInput> files, string inputsDigest) : IAsyncDisposable
{
    public RunRequest Request { get; } = request;

    public RunPlan Plan { get; } = plan;

    public TargetDataset Dataset => Plan.Dataset;

    public ImmutableDictionary<(int Concat, int Merge), FetchedInput> Files { get; } = files;

    /// <summary>SHA-256 of the ordered input URL list (provenance, ledger fingerprint).</summary>
    public string InputsDigest { get; } = inputsDigest;

    /// <summary>The schema pass's result per input, before combining (what the ledger records).</summary>
    public IReadOnlyList<InputDataset> Inputs { get; init; } = [];

    /// <summary>Inputs taken from the ledger without fetching (their source still reports the recorded bytes): not in <see cref="Files"/>.</summary>
    public ImmutableDictionary<(int Concat, int Merge), InputRecord> Known { get; init; } = ImmutableDictionary<(int, int), InputRecord>.Empty;

    /// <summary>What the target's ledger said when the run was prepared (null: no ledger consulted, or none there).</summary>
    public RecordedRun? Recorded { get; init; }

    /// <summary>The store's finished part the known inputs were written into; their data is read back from there.</summary>
    public AppendBase? Base { get; init; }

    /// <summary>Inputs whose header was read by range requests instead of a download (<see cref="RecipeRunner.HeadersByRange"/>): not in <see cref="Files"/>.</summary>
    public RangeReads ByRange { get; init; } = new(0, 0, 0);

    /// <summary>
    /// Inputs whose header the schema pass read by range requests for a run (<see cref="RecipeRunner.StreamInputs"/>):
    /// the pipeline fetches each when it decodes it. Not in <see cref="Files"/>.
    /// </summary>
    public ImmutableDictionary<(int Concat, int Merge), StreamedInput> Streamed { get; init; } = ImmutableDictionary<(int, int), StreamedInput>.Empty;

    /// <summary>False for a run prepared for <c>forge plan</c> (headers by range, nothing to fetch later).</summary>
    public bool CanExecute { get; init; } = true;

    /// <summary>The local disk the inputs hold and the downloads made, from the schema pass on.</summary>
    public InputDisk Disk { get; init; } = new();

    /// <summary>Bytes of the local copies the schema pass made.</summary>
    public long BytesIn => Files.Values.Sum(f => f.Bytes);

    /// <summary>The inputs' total size: local copies and inputs read by range (their size as the source reported it).</summary>
    public long InputBytes => BytesIn + Streamed.Values.Sum(s => s.Validators.Size);

    public async ValueTask DisposeAsync()
    {
        foreach (var f in Files.Values)
        {
            await f.DisposeAsync();
            Disk.Deleted(f);
        }
    }
}
