using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Forge.Core.Sources;
using Forge.Core.Zarr;

namespace Forge.Core.Execution;

/// <summary>One input as the ledger records it: where it came from and what its bytes were.</summary>
public sealed record InputIdentity(string Url, long Size, string Sha256);

/// <summary>
/// What makes two runs "the same run", compared semantically rather than as recipe bytes (comments, key order and
/// formatting of the YAML do not matter): the recipe id, the Zarr format, each array's encoding as a reader sees it
/// (dtype, shape, chunks, shards, codecs, fill value, attributes), the global attributes a recipe controls, and
/// every input's identity (URL, size, SHA-256 of its bytes). Memory budget, workers and machine are not part of it.
/// </summary>
public sealed record RunIdentity(
    string RecipeId,
    string Format,
    ImmutableSortedDictionary<string, JsonObject> Arrays,
    JsonObject Attributes,
    ImmutableArray<InputIdentity> Inputs)
{
    /// <summary>Global attributes that record provenance rather than content: never part of the identity.</summary>
    private static readonly string[] Provenance = ["forge:recipe_sha256", "forge:version"];

    public string Description => $"recipe {RecipeId} ({Inputs.Length} inputs)";

    /// <summary>SHA-256 of the canonical JSON (sorted keys, no whitespace).</summary>
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(ToJson())))).ToLowerInvariant();

    /// <summary>Prefix of an input's identity taken from the source's validators instead of a hash of its bytes.</summary>
    public const string ValidatorsPrefix = "validators:";

    /// <summary>
    /// Builds the identity of a prepared run: hashes every input the schema pass downloaded. An input read by range
    /// (not downloaded) is identified by its size and validators instead (<see cref="ValidatorsPrefix"/>): the
    /// ledger's recorded identity when the source still reports the recorded validators, else one made from them;
    /// a downloaded input recorded that way keeps it while its validators match.
    /// </summary>
    /// <param name="recorded">The inputs the target's ledger recorded (null: none, or not consulted).</param>
    public static async Task<RunIdentity> BuildAsync(PreparedRun run, ITargetWriter writer, CancellationToken ct, IReadOnlyList<InputRecord>? recorded = null)
    {
        var records = (recorded ?? []).GroupBy(r => r.Identity.Url, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var arrays = run.Plan.Arrays.ToImmutableSortedDictionary(a => a.Variable.Name, writer.DescribeArray, StringComparer.Ordinal);
        var attributes = ZarrAttributeEncoder.ToJson(RecipeRunner.GlobalAttributes(run));
        foreach (var key in Provenance) attributes.Remove(key);
        var inputs = new InputIdentity[run.Request.Inputs.Length];
        var ordered = run.Request.Inputs.OrderBy(i => i.ConcatIndex).ThenBy(i => i.MergeIndex).ToArray();
        await Parallel.ForAsync(0, ordered.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, run.Request.FetchConcurrency), CancellationToken = ct }, async (i, token) =>
        {
            if (run.Known.TryGetValue((ordered[i].ConcatIndex, ordered[i].MergeIndex), out var record))
            {
                inputs[i] = record.Identity; // not fetched: its source still reports the recorded bytes
                return;
            }

            var url = ordered[i].Url;
            records.TryGetValue(url, out var previous);
            if (run.Streamed.TryGetValue((ordered[i].ConcatIndex, ordered[i].MergeIndex), out var streamed))
            {
                inputs[i] = previous is not null && streamed.Validators.Matches(previous.Validators) ? previous.Identity : FromValidators(url, streamed.Validators);
                return;
            }

            var file = run.Files[(ordered[i].ConcatIndex, ordered[i].MergeIndex)];
            if (previous is not null && previous.Identity.Sha256.StartsWith(ValidatorsPrefix, StringComparison.Ordinal) && file.Validators is { } now && now.Matches(previous.Validators))
            {
                inputs[i] = previous.Identity; // read by range when recorded, downloaded (or from the cache) now: the same object
                return;
            }

            if (file.Sha256 is { } known)
            {
                inputs[i] = new InputIdentity(ordered[i].Url, file.Bytes, known);
                return;
            }

            await using var stream = new FileStream(file.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var hash = await SHA256.HashDataAsync(stream, token);
            inputs[i] = new InputIdentity(ordered[i].Url, stream.Length, Convert.ToHexString(hash).ToLowerInvariant());
        });
        var format = arrays.Values.Select(a => a["zarr_format"]?.ToJsonString()).FirstOrDefault() is { } v ? "zarr-v" + v : "";
        return new RunIdentity(run.Request.RecipeId, format, arrays, attributes, [.. inputs]);
    }

    /// <summary>An input's identity from its size and validators (ETag, else Last-Modified), for an input not downloaded.</summary>
    internal static InputIdentity FromValidators(string url, InputValidators validators)
    {
        var tag = validators.ETag is { } etag ? "etag=" + etag : "last-modified=" + validators.LastModified!.Value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        return new InputIdentity(url, validators.Size, ValidatorsPrefix + tag);
    }

    /// <summary>An input identity's content tag for messages: 12 hex digits of a hash, or the validators in full.</summary>
    internal static string Short(string tag) => tag.StartsWith(ValidatorsPrefix, StringComparison.Ordinal) || tag.Length <= 12 ? tag : tag[..12] + "…";

    public JsonObject ToJson()
    {
        var arrays = new JsonObject();
        foreach (var (name, doc) in Arrays) arrays[name] = Strict(doc);
        var inputs = new JsonArray();
        foreach (var i in Inputs) inputs.Add(new JsonObject { ["url"] = i.Url, ["size"] = i.Size, ["sha256"] = i.Sha256 });
        return new JsonObject
        {
            ["recipe_id"] = RecipeId,
            ["format"] = Format,
            ["arrays"] = arrays,
            ["attributes"] = Strict(Attributes),
            ["inputs"] = inputs,
        };
    }

    /// <summary>Reads an identity recorded by <see cref="ToJson"/>; null when the document is not one.</summary>
    public static RunIdentity? FromJson(JsonObject? doc)
    {
        if (doc?["recipe_id"] is not JsonValue id || doc["arrays"] is not JsonObject arrays || doc["attributes"] is not JsonObject attrs || doc["inputs"] is not JsonArray inputs)
            return null;
        try
        {
            return new RunIdentity(
                id.GetValue<string>(),
                doc["format"]?.GetValue<string>() ?? "",
                arrays.ToImmutableSortedDictionary(kv => kv.Key, kv => (JsonObject)kv.Value!.DeepClone(), StringComparer.Ordinal),
                (JsonObject)attrs.DeepClone(),
                [.. inputs.Select(n => new InputIdentity(n!["url"]!.GetValue<string>(), n["size"]!.GetValue<long>(), n["sha256"]!.GetValue<string>()))]);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidCastException or FormatException or NullReferenceException)
        {
            return null;
        }
    }

    /// <summary>What differs between the identity a store was written with and this one, in words, most important first.</summary>
    public IReadOnlyList<string> DifferencesFrom(RunIdentity recorded)
    {
        var diffs = new List<string>();
        var now = Inputs.ToDictionary(i => i.Url, StringComparer.Ordinal);
        foreach (var old in recorded.Inputs)
        {
            if (now.TryGetValue(old.Url, out var cur) && cur != old)
                diffs.Add($"input {old.Url} changed since it was written (size {old.Size} → {cur.Size} bytes, sha256 {Short(old.Sha256)} → {Short(cur.Sha256)})");
        }

        if (RecipeId != recorded.RecipeId) diffs.Add($"recipe id '{recorded.RecipeId}' recorded, '{RecipeId}' now");
        if (Format != recorded.Format) diffs.Add($"format {recorded.Format} recorded, {Format} now");
        foreach (var name in recorded.Arrays.Keys.Except(Arrays.Keys)) diffs.Add($"array '{name}' is no longer written");
        foreach (var name in Arrays.Keys.Except(recorded.Arrays.Keys)) diffs.Add($"array '{name}' is new");
        foreach (var (name, doc) in Arrays)
        {
            if (!recorded.Arrays.TryGetValue(name, out var old)) continue;
            foreach (var field in FieldDifferences(old, doc))
                diffs.Add($"array '{name}': {field}");
        }

        foreach (var field in FieldDifferences(recorded.Attributes, Attributes))
            diffs.Add($"global attribute {field}");

        var recordedUrls = recorded.Inputs.Select(i => i.Url).ToHashSet(StringComparer.Ordinal);
        var added = Inputs.Where(i => !recordedUrls.Contains(i.Url)).ToList();
        var removed = recorded.Inputs.Where(i => !now.ContainsKey(i.Url)).ToList();
        if (added.Count > 0) diffs.Add($"{added.Count} input(s) not in the store ({added[0].Url}{(added.Count > 1 ? ", …" : "")})");
        if (removed.Count > 0) diffs.Add($"{removed.Count} input(s) of the store no longer in the recipe ({removed[0].Url}{(removed.Count > 1 ? ", …" : "")})");
        if (added.Count == 0 && removed.Count == 0 && !recorded.Inputs.Select(i => i.Url).SequenceEqual(Inputs.Select(i => i.Url)))
            diffs.Add("the inputs are in a different order");
        return diffs;
    }

    internal static IEnumerable<string> FieldDifferences(JsonObject recorded, JsonObject now)
    {
        foreach (var key in recorded.Select(kv => kv.Key).Union(now.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            var a = Strict(recorded[key]);
            var b = Strict(now[key]);
            if (JsonNode.DeepEquals(a, b)) continue;
            yield return $"'{key}' {Short(a)} recorded, {Short(b)} now";
        }
    }

    /// <summary>
    /// A copy with non-finite numbers (a NaN or ±Infinity attribute) as the strings "NaN"/"Infinity"/"-Infinity", as
    /// Zarr v3 spells them: the ledger is strict JSON, and a recorded identity must compare equal to the current one.
    /// </summary>
    internal static JsonNode? Strict(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var obj = new JsonObject();
                foreach (var (k, v) in o) obj[k] = Strict(v);
                return obj;
            case JsonArray a:
                return new JsonArray([.. a.Select(Strict)]);
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number && v.TryGetValue<double>(out var d) && !double.IsFinite(d):
                return double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
            default:
                return node?.DeepClone();
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node is null ? "absent" : node.ToJsonString();
        return text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
    }

    internal static string Canonical(JsonNode? node) => ZarrJson.Serialize(node, indent: 0, sortKeys: true);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Description} {Fingerprint[..12]}");
}
