namespace Forge.Core.Telemetry;

/// <summary>
/// Numeric totals of a phase, known from the request or the plan, sent just before that phase's stage event so
/// displays need not read numbers out of stage text. Null means "not known".
/// </summary>
/// <param name="Phase">"fetch" (inputs) or "write" (target objects).</param>
public sealed record ProgressTotals(string Phase)
{
    /// <summary>Inputs to fetch and inspect.</summary>
    public long? Inputs { get; init; }

    /// <summary>Bytes of all inputs, when every size is known before fetching (local files); null for remote inputs.</summary>
    public long? InputBytes { get; init; }

    /// <summary>Objects (chunks, or shards) of the target, those already done included.</summary>
    public long? Objects { get; init; }

    /// <summary>Objects already written by an interrupted run (resumed, not rewritten).</summary>
    public long? ObjectsDone { get; init; }

    /// <summary>Passes over the inputs the write phase makes.</summary>
    public int? Passes { get; init; }
}
