using System.Collections.Immutable;
using Forge.Core.Arrays;
using Forge.Core.Datasets.Combine;

namespace Forge.Core.Planning;

/// <summary>
/// Plans the target: chunk (and shard) shapes per array (the objects, which are the work identity), then the
/// schedule that writes them within <c>run.max_memory</c> (<see cref="SchedulePlanner"/>). Dimension coordinates
/// are single chunks (fast opens, pangeo-forge #209).
/// </summary>
public static class RechunkPlanner
{
    public static RunPlan Plan(TargetDataset dataset, ChunkingPolicy policy, IReadOnlyDictionary<string, ChunkingPolicy>? perVariable, long maxMemory, int workers, RechunkStrategy? strategy = null, PlanCosts? costs = null, Func<ArrayPlan, (long Held, long Scratch)?>? streamMemory = null)
    {
        if (workers < 1) throw new PlanException("workers must be at least 1");
        var arrays = dataset.Variables
            .Where(v => v.DataType != DataType.String)
            .Select(v => PlanArray(dataset, v, perVariable is not null && perVariable.TryGetValue(v.Name, out var p) ? p : policy))
            .ToImmutableArray();

        return new RunPlan(dataset, arrays, maxMemory, workers, SchedulePlanner.Plan(dataset, arrays, maxMemory, workers, strategy, costs, streamMemory));
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

        // A char variable's last dimension (strlen) holds whole strings: one chunk; and char arrays are not sharded
        // (Zarr v3 stores them as variable-length text, whose chunks sharding would not help).
        var text = v.DataType == DataType.Char;
        if (text && shape.Length > 0 && v.Dimensions[^1] != ds.ConcatDim) chunks[^1] = Math.Max(1, shape[^1]);

        ImmutableArray<long>? shards = null;
        if (policy.Shards is { Count: > 0 } shardSpec && !text)
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
}
