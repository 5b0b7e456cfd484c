using System.Globalization;

namespace Forge.Core.Planning;

/// <summary>
/// The K-th of N disjoint slices of a run's objects (<c>forge run --shard K/N</c>, K 0-based). Each array's objects
/// are ordered concat index first (then C order of the other grid indices) and cut into N contiguous runs, so a
/// shard reads only the inputs its time range needs. Membership depends only on the object grid: never on the
/// memory budget, workers or machine, and every object belongs to exactly one shard.
/// </summary>
public sealed record ShardSlice(int Index, int Count)
{
    /// <summary>Parses "K/N" (0 ≤ K &lt; N); null with the reason when the text is not one.</summary>
    public static ShardSlice? TryParse(string text, out string? error)
    {
        error = null;
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            error = $"'{text}' is not K/N (e.g. 0/4: the first of four slices)";
            return null;
        }

        if (n < 1 || k >= n)
        {
            error = $"'{text}': K must be 0 to N-1 and N at least 1 (shards are numbered from 0, like $SLURM_ARRAY_TASK_ID and $JOB_COMPLETION_INDEX)";
            return null;
        }

        return new ShardSlice(k, n);
    }

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>The shard an object belongs to, of <paramref name="count"/> shards.</summary>
    public static int ShardOf(ArrayPlan array, string concatDim, ReadOnlySpan<long> index, int count)
    {
        var grid = array.ObjectGrid;
        int axis = array.Variable.ConcatAxis(concatDim);
        // Position in concat-major order: the concat index is the most significant digit.
        long position = axis >= 0 ? index[axis] : 0;
        for (int d = 0; d < grid.Length; d++)
        {
            if (d == axis) continue;
            position = (position * grid[d]) + index[d];
        }

        long total = array.ObjectCount;
        return total == 0 ? 0 : (int)(position * count / total);
    }

    public bool Contains(ArrayPlan array, string concatDim, ReadOnlySpan<long> index) => ShardOf(array, concatDim, index, Count) == Index;

    /// <summary>Ids of the plan's objects that are not this shard's.</summary>
    public IEnumerable<string> OthersIn(RunPlan plan) =>
        plan.Arrays.SelectMany(a => a.ObjectIndices().Where(ix => !Contains(a, plan.Dataset.ConcatDim, ix)).Select(ix => a.ObjectId(ix)));
}
