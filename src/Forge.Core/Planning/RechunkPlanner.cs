using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>
/// Plans the target: chunk (and shard) shapes per array, then work units sized so that every worker's buffers fit
/// in <c>run.max_memory</c>. Dimension coordinates are single chunks (fast opens, pangeo-forge #209).
/// </summary>
public static class RechunkPlanner
{
    public static RunPlan Plan(TargetDataset dataset, ChunkingPolicy policy, IReadOnlyDictionary<string, ChunkingPolicy>? perVariable, long maxMemory, int workers)
    {
        if (workers < 1) throw new PlanException("workers must be at least 1");
        var arrays = dataset.Variables
            .Where(v => v.DataType != DataType.String)
            .Select(v => PlanArray(dataset, v, perVariable is not null && perVariable.TryGetValue(v.Name, out var p) ? p : policy))
            .ToImmutableArray();

        // Each worker holds a block buffer, an input slab of at most the same size, and an object being encoded.
        long unitBudget = Math.Max(1, maxMemory / (3L * workers));
        foreach (var a in arrays)
        {
            if (a.ObjectBytes > unitBudget)
                throw new PlanException($"array '{a.Variable.Name}': one {(a.ShardShape is null ? "chunk" : "shard")} of shape ({string.Join(", ", a.ObjectShape)}) is {Sizes.Format(a.ObjectBytes)}, more than max_memory / (3 × workers) = {Sizes.Format(unitBudget)}; raise run.max_memory, lower run.workers or use smaller chunks");
        }

        var units = ImmutableArray.CreateBuilder<WorkUnit>();
        foreach (var a in arrays) AddUnits(units, a, dataset.ConcatDim, unitBudget);
        return new RunPlan(dataset, arrays, units.ToImmutable(), maxMemory, workers, unitBudget);
    }

    private static ArrayPlan PlanArray(TargetDataset ds, TargetVariable v, ChunkingPolicy policy)
    {
        var shape = v.Shape;
        if (v.IsDimensionCoordinate || shape.Length == 0)
            return new ArrayPlan(v, [.. shape.Select(n => Math.Max(1, n))], null);
        long[] chunks;
        if (policy.Explicit is { } explicitChunks)
        {
            chunks = [.. v.Dimensions.Select((d, i) => explicitChunks.TryGetValue(d, out var c) ? Math.Clamp(c, 1, Math.Max(1, shape[i])) : Math.Max(1, shape[i]))];
        }
        else
        {
            chunks = AutoChunks(v, ds.ConcatDim, policy.AutoChunkBytes);
        }

        ImmutableArray<long>? shards = null;
        if (policy.Shards is { Count: > 0 } shardSpec)
        {
            var s = new long[chunks.Length];
            for (int i = 0; i < chunks.Length; i++)
            {
                if (shardSpec.TryGetValue(v.Dimensions[i], out var n))
                {
                    // A shard spanning the whole dimension is one shard there, even when the chunk was clamped to the dimension.
                    if (n % chunks[i] != 0 && n >= shape[i]) n = (Math.Max(1, shape[i]) + chunks[i] - 1) / chunks[i] * chunks[i];
                    if (n % chunks[i] != 0)
                        throw new PlanException($"array '{v.Name}': shard size {n} along '{v.Dimensions[i]}' is not a multiple of the chunk size {chunks[i]}");
                    s[i] = n;
                }
                else
                {
                    s[i] = chunks[i];
                }
            }

            shards = [.. s];
        }

        return new ArrayPlan(v, [.. chunks], shards);
    }

    /// <summary>Full extent on every dim but the concat dim, whose chunk grows to the byte target; halve the largest other dim while one step is too big.</summary>
    internal static long[] AutoChunks(TargetVariable v, string concatDim, long targetBytes)
    {
        int elem = v.DataType.ElementSize();
        var chunks = v.Shape.Select(n => Math.Max(1, n)).ToArray();
        int concatAxis = v.Dimensions.IndexOf(concatDim);
        if (concatAxis >= 0) chunks[concatAxis] = 1;
        long Bytes() => chunks.Aggregate((long)elem, (a, b) => a * b);
        while (Bytes() > targetBytes)
        {
            int largest = -1;
            for (int i = 0; i < chunks.Length; i++)
                if (i != concatAxis && chunks[i] > 1 && (largest < 0 || chunks[i] > chunks[largest])) largest = i;
            if (largest < 0) break;
            chunks[largest] = (chunks[largest] + 1) / 2;
        }

        if (concatAxis >= 0)
        {
            long perStep = Bytes();
            chunks[concatAxis] = Math.Clamp(targetBytes / perStep, 1, Math.Max(1, v.Shape[concatAxis]));
        }

        return chunks;
    }

    private static void AddUnits(ImmutableArray<WorkUnit>.Builder units, ArrayPlan a, string concatDim, long budget)
    {
        var grid = a.ObjectGrid;
        int rank = grid.Length;
        if (grid.Any(g => g == 0)) return; // empty array: metadata only
        int concatAxis = a.Variable.Dimensions.IndexOf(concatDim);
        // Block of objects per unit: one object along the concat axis, as many as fit along the others (outer axes split first).
        var block = grid.ToArray();
        if (concatAxis >= 0) block[concatAxis] = 1;
        long BlockBytes() => Enumerable.Range(0, rank).Aggregate((long)a.ElementSize, (acc, i) => acc * Math.Min(a.Shape[i], block[i] * a.ObjectShape[i]));
        while (BlockBytes() > budget)
        {
            int axis = Enumerable.Range(0, rank).FirstOrDefault(i => block[i] > 1, -1);
            if (axis < 0) break;
            block[axis] = (block[axis] + 1) / 2;
        }

        var blocksPerAxis = Enumerable.Range(0, rank).Select(i => (grid[i] + block[i] - 1) / block[i]).ToArray();
        long total = blocksPerAxis.Aggregate(1L, (x, y) => x * y);
        var idx = new long[rank];
        for (long n = 0; n < total; n++)
        {
            var first = new long[rank];
            var counts = new long[rank];
            var start = new long[rank];
            var count = new long[rank];
            for (int i = 0; i < rank; i++)
            {
                first[i] = idx[i] * block[i];
                counts[i] = Math.Min(block[i], grid[i] - first[i]);
                start[i] = first[i] * a.ObjectShape[i];
                count[i] = Math.Min(a.Shape[i], (first[i] + counts[i]) * a.ObjectShape[i]) - start[i];
            }

            units.Add(new WorkUnit(a.Variable.Name, units.Count, [.. start], [.. count], [.. first], [.. counts]));
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < blocksPerAxis[i]) break;
                idx[i] = 0;
            }
        }

    }
}
