using System.Collections.Immutable;
using Forge.Core.Datasets.Combine;
using Forge.Core.Planning;
using Forge.Core.Sources;

namespace Forge.Core.Execution;

/// <summary>
/// The result of the schema pass, combine and plan: what `forge plan` shows and what `forge run` executes. Owns
/// the fetched local copies of the inputs until disposed.
/// </summary>
public sealed class PreparedRun(RunRequest request, RunPlan plan, ImmutableDictionary<(int Concat, int Merge), FetchedInput> files, string inputsDigest) : IAsyncDisposable
{
    public RunRequest Request { get; } = request;

    public RunPlan Plan { get; } = plan;

    public TargetDataset Dataset => Plan.Dataset;

    public ImmutableDictionary<(int Concat, int Merge), FetchedInput> Files { get; } = files;

    /// <summary>SHA-256 of the ordered input URL list (provenance, ledger fingerprint).</summary>
    public string InputsDigest { get; } = inputsDigest;

    public long BytesIn => Files.Values.Sum(f => f.Bytes);

    public async ValueTask DisposeAsync()
    {
        foreach (var f in Files.Values) await f.DisposeAsync();
    }
}
