using System.Text.Json.Nodes;
using Forge.Core.Planning;

namespace Forge.Core.Execution;

/// <summary>
/// Whether a run may append to a store another run wrote: the same recipe id and format, the recorded inputs a
/// prefix of this run's with the same identities (a changed input is named), every array encoded the same but for
/// its length along the concat dimension (and the chunk length of arrays stored as one chunk along it), the same
/// global attributes but for the input provenance. And which finished objects the longer arrays make incomplete.
/// </summary>
public static class AppendCompatibility
{
    /// <summary>Global attributes that count the inputs: they change with every append.</summary>
    private static readonly string[] InputProvenance = ["forge:inputs", "forge:inputs_sha256"];

    /// <summary>What prevents appending, in words; empty when this run extends the recorded one.</summary>
    public static IReadOnlyList<string> Problems(RunIdentity now, RunIdentity recorded, RunPlan plan)
    {
        var problems = new List<string>();
        for (int i = 0; i < Math.Min(now.Inputs.Length, recorded.Inputs.Length); i++)
        {
            var (old, cur) = (recorded.Inputs[i], now.Inputs[i]);
            if (old.Url != cur.Url)
            {
                problems.Add($"the recorded inputs are not the first inputs of this recipe (input #{i} was {old.Url}, is now {cur.Url})");
                return problems;
            }

            if (old != cur)
                problems.Add($"input {old.Url} changed since it was written (size {old.Size} → {cur.Size} bytes, sha256 {RunIdentity.Short(old.Sha256)} → {RunIdentity.Short(cur.Sha256)})");
        }

        if (now.Inputs.Length <= recorded.Inputs.Length) problems.Add("no input was added");
        if (now.RecipeId != recorded.RecipeId) problems.Add($"recipe id '{recorded.RecipeId}' recorded, '{now.RecipeId}' now");
        if (now.Format != recorded.Format) problems.Add($"format {recorded.Format} recorded, {now.Format} now");
        foreach (var name in recorded.Arrays.Keys.Except(now.Arrays.Keys)) problems.Add($"array '{name}' is no longer written");
        foreach (var name in now.Arrays.Keys.Except(recorded.Arrays.Keys)) problems.Add($"array '{name}' is new");
        foreach (var (name, doc) in now.Arrays)
        {
            if (!recorded.Arrays.TryGetValue(name, out var old)) continue;
            int axis = ConcatAxis(plan, name);
            // Arrays without the concat dim may be 0-d (a grid-mapping variable such as `char crs`): no length to compare.
            if (axis >= 0 && Shape(doc)[axis] is var curLength && Shape(old)[axis] is var oldLength && curLength < oldLength) problems.Add($"array '{name}' would shrink from {oldLength} to {curLength} along '{plan.Dataset.ConcatDim}'");
            var (x, y) = Normalized((JsonObject)RunIdentity.Strict(old)!, (JsonObject)RunIdentity.Strict(doc)!, axis);
            if (!JsonNode.DeepEquals(x, y)) problems.Add($"array '{name}' is encoded differently ({string.Join("; ", Fields(x, y))})");
        }

        var (a, b) = (Without((JsonObject)RunIdentity.Strict(recorded.Attributes)!), Without((JsonObject)RunIdentity.Strict(now.Attributes)!));
        if (!JsonNode.DeepEquals(a, b)) problems.Add($"global attributes differ ({string.Join("; ", Fields(a, b))})");
        return problems;
    }

    /// <summary>
    /// Object ids finished under <paramref name="recorded"/> whose content the longer arrays change: the edge object
    /// along the concat axis when the recorded length did not fill it, and every object of an array whose object
    /// length along concat grows with the array (a dimension coordinate stored as one chunk).
    /// </summary>
    public static IReadOnlyCollection<string> Reopened(RunIdentity recorded, RunPlan plan)
    {
        var ids = new List<string>();
        foreach (var a in plan.Arrays)
        {
            int axis = a.Variable.ConcatAxis(plan.Dataset.ConcatDim);
            if (axis < 0 || !recorded.Arrays.TryGetValue(a.Variable.Name, out var old)) continue;
            long oldLength = Shape(old)[axis], oldObject = ObjectShape(old)[axis], obj = a.ObjectShape[axis];
            if (oldLength == a.Shape[axis] && oldObject == obj) continue;
            foreach (var index in a.ObjectIndices())
            {
                if (oldObject != obj || (oldLength % obj != 0 && index[axis] == oldLength / obj)) ids.Add(a.ObjectId(index));
            }
        }

        return ids;
    }

    /// <summary>Length along the concat dimension of a recorded run (from its concat coordinate, else any array with the dimension).</summary>
    public static long ConcatLength(RunIdentity recorded, RunPlan plan)
    {
        foreach (var a in plan.Arrays.OrderBy(a => a.Variable.Name == plan.Dataset.ConcatDim ? 0 : 1))
        {
            int axis = a.Variable.ConcatAxis(plan.Dataset.ConcatDim);
            if (axis >= 0 && recorded.Arrays.TryGetValue(a.Variable.Name, out var old)) return Shape(old)[axis];
        }

        return 0;
    }

    private static int ConcatAxis(RunPlan plan, string name) =>
        plan.Arrays.FirstOrDefault(a => a.Variable.Name == name) is { } a ? a.Variable.ConcatAxis(plan.Dataset.ConcatDim) : -1;

    private static long[] Shape(JsonObject doc) => [.. doc["shape"]!.AsArray().Select(n => n!.GetValue<long>())];

    /// <summary>The object (chunk, or shard when sharded) shape: v2 <c>chunks</c>, v3 the outer chunk grid.</summary>
    private static long[] ObjectShape(JsonObject doc) =>
        [.. (doc["chunks"] ?? doc["chunk_grid"]!["configuration"]!["chunk_shape"])!.AsArray().Select(n => n!.GetValue<long>())];

    /// <summary>
    /// Both descriptions without the concat length; an array stored as one chunk along concat in both (its chunk
    /// length is its length) may change that chunk length too.
    /// </summary>
    private static (JsonObject Recorded, JsonObject Now) Normalized(JsonObject recorded, JsonObject now, int axis)
    {
        var (a, b) = ((JsonObject)recorded.DeepClone(), (JsonObject)now.DeepClone());
        if (axis < 0) return (a, b);
        var (ca, cb) = (Chunks(a), Chunks(b));
        if (ca is not null && cb is not null)
        {
            long la = a["shape"]![axis]!.GetValue<long>(), lb = b["shape"]![axis]!.GetValue<long>();
            long xa = ca[axis]!.GetValue<long>(), xb = cb[axis]!.GetValue<long>();
            if (xa != xb && xa == la && xb == lb) (ca[axis], cb[axis]) = (-1, -1);
        }

        a["shape"]![axis] = -1;
        b["shape"]![axis] = -1;
        return (a, b);
    }

    private static JsonArray? Chunks(JsonObject doc) => (doc["chunks"] ?? doc["chunk_grid"]?["configuration"]?["chunk_shape"]) as JsonArray;

    private static JsonObject Without(JsonObject attributes)
    {
        var copy = (JsonObject)attributes.DeepClone();
        foreach (var key in InputProvenance) copy.Remove(key);
        return copy;
    }

    private static IEnumerable<string> Fields(JsonObject recorded, JsonObject now)
    {
        foreach (var key in recorded.Select(kv => kv.Key).Union(now.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            if (JsonNode.DeepEquals(recorded[key], now[key])) continue;
            string Show(JsonNode? n) => n is null ? "absent" : n.ToJsonString() is { Length: > 80 } t ? t[..77] + "..." : n.ToJsonString();
            yield return $"'{key}' {Show(recorded[key])} recorded, {Show(now[key])} now";
        }
    }
}
