namespace Forge.Core.Execution;

/// <summary>What a run did, for the summary line/event.</summary>
public sealed record RunSummary(
    string RecipeId,
    string Target,
    int Inputs,
    long BytesIn,
    long BytesOut,
    long ChunksWritten,
    int UnitsSkipped,
    bool UpToDate,
    TimeSpan Elapsed);
