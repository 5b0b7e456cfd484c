using System.Collections.Immutable;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>The whole plan of a run: target dataset, array layouts, work units and the memory they need.</summary>
public sealed record RunPlan(
    TargetDataset Dataset,
    ImmutableArray<ArrayPlan> Arrays,
    ImmutableArray<WorkUnit> Units,
    long MaxMemory,
    int Workers,
    long UnitBudget)
{
    public ArrayPlan GetArray(string name) => Arrays.First(a => a.Variable.Name == name);

    /// <summary>Largest block buffer any unit needs, in bytes.</summary>
    public long LargestUnitBytes => Units.IsEmpty ? 0 : Units.Max(u => u.ElementCount * GetArray(u.Array).ElementSize);

    /// <summary>Peak memory estimate: per worker one block buffer, one input slab and one object being encoded.</summary>
    public long EstimatedPeakBytes => Units.IsEmpty ? 0 : Math.Min(Workers, Units.Length) * (2 * LargestUnitBytes + 2 * Arrays.Max(a => a.ObjectBytes));
}
