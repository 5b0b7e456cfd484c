using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>
/// The whole plan of a run: the target dataset, the array layouts (whose objects are the work identity) and the
/// schedule that writes them within the memory budget (a run-time decision, not identity).
/// </summary>
public sealed record RunPlan(
    TargetDataset Dataset,
    ImmutableArray<ArrayPlan> Arrays,
    long MaxMemory,
    int Workers,
    ExecutionSchedule Schedule)
{
    private static readonly ConditionalWeakTable<RunPlan, NameIndex<ArrayPlan>> ArrayIndex = new();

    public ArrayPlan GetArray(string name) =>
        NameIndex<ArrayPlan>.Find(ArrayIndex, this, Arrays, a => a.Variable.Name, name) ?? throw new InvalidOperationException($"the plan has no array '{name}'");

    public long ObjectCount => Arrays.Sum(a => a.ObjectCount);

    /// <summary>Every object id of the run ("&lt;array&gt;/&lt;i.j.k&gt;"), arrays in plan order, objects in C order.</summary>
    public IEnumerable<string> ObjectIds() => Arrays.SelectMany(a => a.ObjectIndices().Select(ix => a.ObjectId(ix)));

    /// <summary>Peak memory the schedule charges to the memory account (the stages' shares).</summary>
    public long EstimatedPeakBytes => Schedule.MemoryEstimate;
}
