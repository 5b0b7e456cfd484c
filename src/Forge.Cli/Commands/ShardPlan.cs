using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Forge.Core.Execution;
using Forge.Core.Planning;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge plan --shard K/N [--stage 1|2]</c>: what that shard does. A plain shard writes its slice of the objects and
/// reads the inputs they overlap; a staged run (the plan spills) reads a run of inputs and stores their pieces in
/// stage 1, then assembles its slice of the objects from pieces in stage 2 (reading no input but the coordinates').
/// </summary>
internal static class ShardPlan
{
    public static JsonObject Describe(RunPlan plan, ShardSlice shard, int? stage, ImmutableArray<RunInput> inputs)
    {
        var ds = plan.Dataset;
        var urls = inputs.Where(i => i.MergeIndex == 0).GroupBy(i => i.ConcatIndex).ToDictionary(g => g.Key, g => g.First().Url);
        var objects = new JsonArray();
        long inSlice = 0;
        foreach (var a in plan.Arrays)
        {
            var mine = a.ObjectIndices().Where(ix => shard.Contains(a, ds.ConcatDim, ix)).ToList();
            inSlice += mine.Count;
            if (mine.Count > 0)
                objects.Add(new JsonObject { ["array"] = a.Variable.Name, ["objects"] = mine.Count, ["first"] = a.ObjectId(mine[0]), ["last"] = a.ObjectId(mine[^1]) });
        }

        JsonObject Inputs(IReadOnlyCollection<int> keys) => new()
        {
            ["count"] = keys.Count,
            ["first"] = keys.Count == 0 ? null : urls.GetValueOrDefault(keys.Min()),
            ["last"] = keys.Count == 0 ? null : urls.GetValueOrDefault(keys.Max()),
        };

        var doc = new JsonObject
        {
            ["shard"] = shard.ToString(),
            ["objects"] = inSlice,
            ["arrays"] = objects,
        };
        if (plan.Schedule.Strategy != RechunkStrategy.Spill)
        {
            doc["staged"] = false;
            doc["inputs"] = Inputs(InputsOfObjects(plan, shard));
            if (stage is not null) doc["note"] = $"the plan does not spill: --stage 1 does nothing and --stage 2 is this plain shard";
            return doc;
        }

        var layout = StagedLayout.For(plan);
        var (first, count) = layout.InputsOf(shard);
        var stage1Keys = layout.ConcatKeys.Skip(first).Take(count).ToHashSet();
        var pieces = layout.PiecesOf((_, _) => true).Count(p => stage1Keys.Contains(layout.ConcatKeyOf(p.Array, p.Piece)));
        var others = shard.OthersIn(plan).ToHashSet(StringComparer.Ordinal);
        var read = layout.PiecesOf((a, o) => !others.Contains(a.Units.DoneId(o))).Count();
        doc["staged"] = true;
        doc["piece_steps"] = new JsonObject([.. layout.Arrays.Select(a => KeyValuePair.Create(a.Name, (JsonNode?)a.PieceSteps))]);
        doc["stage1"] = new JsonObject
        {
            ["inputs"] = Inputs(stage1Keys),
            ["pieces"] = pieces,
            ["pieces_total"] = layout.PieceCount,
        };
        doc["stage2"] = new JsonObject
        {
            ["objects"] = inSlice,
            ["pieces_read"] = read,
        };
        doc["unstaged_inputs"] = Inputs(InputsOfObjects(plan, shard));
        return doc;
    }

    /// <summary>The concat keys whose inputs a plain shard reads: those overlapping its objects of arrays along the concat dimension.</summary>
    private static HashSet<int> InputsOfObjects(RunPlan plan, ShardSlice shard)
    {
        var ds = plan.Dataset;
        var keys = new HashSet<int>();
        foreach (var a in plan.Arrays.Where(a => a.ObjectCount > 0 && a.Variable.ConcatAxis(ds.ConcatDim) >= 0))
        {
            int axis = a.Variable.ConcatAxis(ds.ConcatDim);
            foreach (var ix in a.ObjectIndices().Where(ix => shard.Contains(a, ds.ConcatDim, ix)))
            {
                var (start, count) = a.ObjectRegion(ix);
                long lo = start[axis], hi = lo + count[axis];
                foreach (var seg in ds.Segments)
                    if (seg.Length > 0 && seg.Start < hi && seg.Start + seg.Length > lo) keys.Add(seg.ConcatIndex);
            }
        }

        return keys;
    }

    public static void WriteText(TextWriter w, JsonObject slice)
    {
        string Range(JsonNode? inputs) => inputs is null ? "-" : inputs["count"]!.GetValue<int>() == 0 ? "no inputs"
            : $"{inputs["count"]} inputs ({inputs["first"]} … {inputs["last"]})";
        w.WriteLine($"  shard {slice["shard"]}: {slice["objects"]} objects (" +
                    string.Join(", ", slice["arrays"]!.AsArray().Select(a => $"{a!["array"]} {a["objects"]}: {a["first"]} … {a["last"]}")) + ")");
        if (slice["staged"]!.GetValue<bool>())
        {
            var s1 = slice["stage1"]!;
            w.WriteLine($"    stage 1 (--stage 1): reads {Range(s1["inputs"])}, each once across the shards; stores {s1["pieces"]} of {s1["pieces_total"]} pieces in .forge/intermediate/ beside the target");
            w.WriteLine($"    stage 2 (--stage 2): assembles its {slice["stage2"]!["objects"]} objects from {slice["stage2"]!["pieces_read"]} pieces (no input read but the coordinates')");
            w.WriteLine($"    unstaged (no --stage): would read {Range(slice["unstaged_inputs"])}");
        }
        else
        {
            w.WriteLine($"    reads {Range(slice["inputs"])}" + (slice["note"] is { } note ? $"; {note}" : ""));
        }
    }
}
