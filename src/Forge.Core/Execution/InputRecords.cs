using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Combine;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Sources;

namespace Forge.Core.Execution;

/// <summary>One input as the ledger remembers it: its identity, what its source said about it, and what the schema pass learned.</summary>
public sealed record InputRecord(InputIdentity Identity, InputValidators? Validators, InputDataset Dataset);

/// <summary>
/// The ledger's <c>.forge/inputs.json</c>: every input's identity, validators (ETag, Last-Modified) and schema-pass
/// result (transformed schema, concat coordinate, digests of static variables), so a rerun or an append can combine
/// and plan without downloading inputs whose source still vouches for the recorded bytes. Schemas shared by many
/// inputs are stored once. Doubles are written with round-trip text ("NaN" and "Infinity" included), so the record
/// gives back exactly what the schema pass saw.
/// </summary>
public static class InputRecords
{
    public static JsonObject ToJson(IEnumerable<InputRecord> records)
    {
        var datasets = new JsonArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var inputs = new JsonArray();
        foreach (var r in records)
        {
            var dataset = Dataset(r.Dataset.Dataset);
            var text = dataset.ToJsonString();
            if (!index.TryGetValue(text, out var at))
            {
                at = datasets.Count;
                index[text] = at;
                datasets.Add(dataset);
            }

            var d = r.Dataset;
            var item = new JsonObject
            {
                ["url"] = r.Identity.Url,
                ["size"] = r.Identity.Size,
                ["sha256"] = r.Identity.Sha256,
                ["concat"] = d.ConcatIndex,
                ["merge"] = d.MergeIndex,
                ["source"] = d.Source,
                ["dataset"] = at,
            };
            if (r.Validators is { } v)
                item["validators"] = new JsonObject { ["size"] = v.Size, ["etag"] = v.ETag, ["last_modified"] = v.LastModified?.ToString("O", CultureInfo.InvariantCulture) };
            if (d.ConcatCoordinate is { } coordinate) item["coordinate"] = Reals(coordinate);
            item["static_digests"] = new JsonObject(d.StaticDigests.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
            item["static_values"] = new JsonObject(d.StaticValues.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Convert.ToBase64String(kv.Value))));
            inputs.Add(item);
        }

        return new JsonObject { ["version"] = 1, ["datasets"] = datasets, ["inputs"] = inputs };
    }

    /// <summary>The records of a document written by <see cref="ToJson"/>, by (concat, merge) index; null when it is not one.</summary>
    public static IReadOnlyList<InputRecord>? FromJson(JsonNode? doc)
    {
        if (doc?["version"]?.GetValue<int>() != 1 || doc["datasets"] is not JsonArray datasets || doc["inputs"] is not JsonArray inputs) return null;
        try
        {
            var parsed = datasets.Select(ReadDataset).ToArray();
            var result = new List<InputRecord>(inputs.Count);
            foreach (var n in inputs)
            {
                var o = n!.AsObject();
                var identity = new InputIdentity(o["url"]!.GetValue<string>(), o["size"]!.GetValue<long>(), o["sha256"]!.GetValue<string>());
                InputValidators? validators = null;
                if (o["validators"] is JsonObject v)
                {
                    var lm = v["last_modified"]?.GetValue<string>();
                    validators = new InputValidators(v["size"]!.GetValue<long>(), v["etag"]?.GetValue<string>(),
                        lm is null ? null : DateTimeOffset.Parse(lm, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
                }

                var dataset = new InputDataset(
                    o["concat"]!.GetValue<int>(),
                    o["merge"]!.GetValue<int>(),
                    o["source"]!.GetValue<string>(),
                    parsed[o["dataset"]!.GetValue<int>()],
                    o["coordinate"] is JsonArray c ? ReadReals(c) : null,
                    o["static_digests"]!.AsObject().ToImmutableDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>(), StringComparer.Ordinal))
                {
                    StaticValues = o["static_values"]!.AsObject().ToImmutableDictionary(kv => kv.Key, kv => Convert.FromBase64String(kv.Value!.GetValue<string>()), StringComparer.Ordinal),
                };
                result.Add(new InputRecord(identity, validators, dataset));
            }

            return result;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static JsonObject Dataset(TransformedDataset d)
    {
        var s = d.Schema;
        return new JsonObject
        {
            ["dimensions"] = new JsonArray([.. s.Dimensions.Select(x => (JsonNode)new JsonObject { ["name"] = x.Name, ["length"] = x.Length, ["unlimited"] = x.IsUnlimited })]),
            ["variables"] = new JsonArray([.. s.Variables.Select(v => (JsonNode)new JsonObject
            {
                ["name"] = v.Name,
                ["dtype"] = v.DataType.ToString(),
                ["dims"] = Strings(v.Dimensions),
                ["shape"] = Longs(v.Shape),
                ["attrs"] = Attributes(v.Attributes),
                ["coordinate"] = v.IsCoordinate,
                ["chunks"] = v.Layout.IsChunked ? Longs(v.Layout.Chunks) : null,
                ["filters"] = Strings(v.Layout.Filters),
            })]),
            ["attrs"] = Attributes(s.Attributes),
            ["origins"] = new JsonObject(d.Origins.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)Origin(kv.Value)))),
        };
    }

    private static TransformedDataset ReadDataset(JsonNode? node)
    {
        var o = node!.AsObject();
        var dims = o["dimensions"]!.AsArray().Select(x => new Dimension(x!["name"]!.GetValue<string>(), x["length"]!.GetValue<long>(), x["unlimited"]!.GetValue<bool>())).ToImmutableArray();
        var vars = o["variables"]!.AsArray().Select(x =>
        {
            var v = x!.AsObject();
            return new VariableSchema(v["name"]!.GetValue<string>(), Enum.Parse<DataType>(v["dtype"]!.GetValue<string>()), ReadStrings(v["dims"]), ReadLongs(v["shape"]),
                ReadAttributes(v["attrs"]), v["coordinate"]!.GetValue<bool>())
            {
                Layout = v["chunks"] is JsonArray || v["filters"]!.AsArray().Count > 0
                    ? new StorageLayout(v["chunks"] is JsonArray c ? ReadLongs(c) : default, ReadStrings(v["filters"]))
                    : StorageLayout.Contiguous,
            };
        }).ToImmutableArray();
        var origins = o["origins"]!.AsObject().ToImmutableDictionary(kv => kv.Key, kv => ReadOrigin(kv.Value!), StringComparer.Ordinal);
        return new TransformedDataset(new DatasetSchema(dims, vars, ReadAttributes(o["attrs"])), origins);
    }

    private static JsonObject Origin(VariableOrigin o)
    {
        var doc = new JsonObject
        {
            ["variable"] = o.SourceVariable,
            ["dims"] = Strings(o.SourceDimensions),
            ["squeezed"] = Ints(o.SqueezedAxes),
            ["dtype"] = o.SourceDataType.ToString(),
            ["expanded"] = Ints(o.ExpandedAxes),
        };
        if (o.Unpacking is { } u) doc["unpacking"] = new JsonObject { ["scale_factor"] = Real(u.ScaleFactor), ["add_offset"] = Real(u.AddOffset), ["fill_values"] = Reals(u.FillValues) };
        return doc;
    }

    private static VariableOrigin ReadOrigin(JsonNode n)
    {
        var u = n["unpacking"];
        return new VariableOrigin(n["variable"]!.GetValue<string>(), ReadStrings(n["dims"]), ReadInts(n["squeezed"]), Enum.Parse<DataType>(n["dtype"]!.GetValue<string>()))
        {
            ExpandedAxes = ReadInts(n["expanded"]),
            Unpacking = u is null ? null : new CfUnpacking(ReadReal(u["scale_factor"]!), ReadReal(u["add_offset"]!), [.. ReadReals(u["fill_values"]!.AsArray())]),
        };
    }

    private static JsonArray Attributes(AttributeSet attrs) => new([.. attrs.Select(kv =>
    {
        var v = kv.Value;
        var item = new JsonObject { ["name"] = kv.Key, ["type"] = v.Type.ToString() };
        if (v.IsText) item["text"] = v.Text;
        else if (v.Type.IsFloatingPoint()) item["values"] = Reals(v.Reals);
        else if (v.Type is DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64) item["values"] = new JsonArray([.. v.Unsigned.Select(x => (JsonNode)x.ToString(CultureInfo.InvariantCulture))]);
        else item["values"] = Longs(v.Integers);
        return (JsonNode)item;
    })]);

    private static AttributeSet ReadAttributes(JsonNode? node) => new(node!.AsArray().Select(x =>
    {
        var type = Enum.Parse<DataType>(x!["type"]!.GetValue<string>());
        var value = x["text"] is { } text ? AttributeValue.FromText(text.GetValue<string>())
            : type.IsFloatingPoint() ? AttributeValue.FromReals(type, ReadReals(x["values"]!.AsArray()))
            : type is DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64 ? AttributeValue.FromUnsigned(type, [.. x["values"]!.AsArray().Select(u => ulong.Parse(u!.GetValue<string>(), CultureInfo.InvariantCulture))])
            : AttributeValue.FromIntegers(type, [.. ReadLongs(x["values"])]);
        return KeyValuePair.Create(x["name"]!.GetValue<string>(), value);
    }));

    private static JsonNode Real(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static double ReadReal(JsonNode n) => double.Parse(n.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static JsonArray Reals(IEnumerable<double> values) => new([.. values.Select(Real)]);

    private static double[] ReadReals(JsonArray a) => [.. a.Select(x => ReadReal(x!))];

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(x => (JsonNode)x)]);

    private static ImmutableArray<string> ReadStrings(JsonNode? n) => [.. n!.AsArray().Select(x => x!.GetValue<string>())];

    private static JsonArray Longs(IEnumerable<long> values) => new([.. values.Select(x => (JsonNode)x)]);

    private static ImmutableArray<long> ReadLongs(JsonNode? n) => [.. n!.AsArray().Select(x => x!.GetValue<long>())];

    private static JsonArray Ints(IEnumerable<int> values) => new([.. values.Select(x => (JsonNode)x)]);

    private static ImmutableArray<int> ReadInts(JsonNode? n) => [.. n!.AsArray().Select(x => x!.GetValue<int>())];
}
