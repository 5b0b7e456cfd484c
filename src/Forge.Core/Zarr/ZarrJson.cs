using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Forge.Core.Zarr;

/// <summary>
/// Serializes metadata the way zarr-python does: Python <c>json.dumps(indent=4, sort_keys=True, ensure_ascii=True)</c>
/// for v2 (so documents are byte-identical to zarr-python 2.x), indent 2 in insertion order for v3; floats in
/// Python <c>repr</c> form ("1.0", "1e+20"). Non-finite numbers: in v2 the bare tokens <c>NaN</c>/<c>Infinity</c>/
/// <c>-Infinity</c> that Python's json module writes (so xarray reads a float attribute back as a float); in v3 the
/// strings "NaN"/"Infinity"/"-Infinity", because strict JSON readers (zarrita) reject the bare tokens.
/// String values (e.g. a v2 <c>fill_value</c> of "NaN") are always written as strings.
/// </summary>
public static class ZarrJson
{
    /// <summary>The document text for <paramref name="format"/>.</summary>
    public static string Serialize(JsonNode? node, ZarrFormat format) =>
        format == ZarrFormat.V2 ? Serialize(node, indent: 4, sortKeys: true, bareNonFinite: true) : Serialize(node, indent: 2, sortKeys: false);

    public static byte[] SerializeToUtf8(JsonNode? node, ZarrFormat format) => Encoding.UTF8.GetBytes(Serialize(node, format));

    public static string Serialize(JsonNode? node, int indent, bool sortKeys, bool bareNonFinite = false)
    {
        var sb = new StringBuilder();
        Write(sb, node, indent, sortKeys, 0, bareNonFinite);
        return sb.ToString();
    }

    /// <summary>
    /// Parses a document for re-serialization (consolidation): bare NaN/Infinity/-Infinity become non-finite
    /// numbers again instead of strings, so a v2 float attribute stays a float in <c>.zmetadata</c>.
    /// </summary>
    internal static JsonObject ParseObjectKeepingNonFinite(ReadOnlySpan<byte> utf8, string key)
    {
        var doc = ParseObject(utf8, key, BareTokenMark);
        RestoreNonFinite(doc);
        return doc;
    }

    // A Unicode noncharacter: never part of interchanged text, so it can only come from QuoteNonFiniteTokens.
    private const string BareTokenMark = "\uFDD0";

    private static void RestoreNonFinite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(kv => kv.Key).ToList())
                {
                    if (NonFinite(o[name]) is { } d) o[name] = JsonValue.Create(d);
                    else RestoreNonFinite(o[name]);
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (NonFinite(a[i]) is { } d) a[i] = JsonValue.Create(d);
                    else RestoreNonFinite(a[i]);
                }

                break;
        }
    }

    private static double? NonFinite(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s.StartsWith('\uFDD0')
            ? s[1..] switch { "NaN" => double.NaN, "Infinity" => double.PositiveInfinity, "-Infinity" => double.NegativeInfinity, _ => null }
            : null;

    /// <summary>Parses a metadata document; errors name <paramref name="key"/>.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string key) => ParseObject(utf8, key, "");

    private static JsonObject ParseObject(ReadOnlySpan<byte> utf8, string key, string mark)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(QuoteNonFiniteTokens(Encoding.UTF8.GetString(utf8), mark));
        }
        catch (JsonException e)
        {
            throw new ZarrMetadataException(key, $"is not valid JSON: {e.Message}", e);
        }

        return node as JsonObject ?? throw new ZarrMetadataException(key, "must be a JSON object");
    }

    // Python's json module writes bare NaN/Infinity/-Infinity (zarr-python 2 attributes); read them as the strings they mean.
    private static string QuoteNonFiniteTokens(string text, string mark)
    {
        if (text.IndexOf("NaN", StringComparison.Ordinal) < 0 && text.IndexOf("Infinity", StringComparison.Ordinal) < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                sb.Append(c);
                if (c == '\\' && i + 1 < text.Length) sb.Append(text[++i]);
                else if (c == '"') inString = false;
                continue;
            }

            if (c == '"') inString = true;
            var token = text.AsSpan(i) switch
            {
                var t when t.StartsWith("NaN") => "NaN",
                var t when t.StartsWith("Infinity") => "Infinity",
                var t when t.StartsWith("-Infinity") => "-Infinity",
                _ => null,
            };
            if (token is null)
            {
                sb.Append(c);
                continue;
            }

            sb.Append('"').Append(mark).Append(token).Append('"');
            i += token.Length - 1;
        }

        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int indent, bool sortKeys, int depth, bool bare)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                if (o.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append('{');
                var entries = sortKeys ? o.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList() : o.ToList();
                for (var i = 0; i < entries.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    NewLine(sb, indent, depth + 1);
                    WriteString(sb, entries[i].Key);
                    sb.Append(": ");
                    Write(sb, entries[i].Value, indent, sortKeys, depth + 1, bare);
                }

                NewLine(sb, indent, depth);
                sb.Append('}');
                break;
            case JsonArray a:
                if (a.Count == 0)
                {
                    sb.Append("[]");
                    break;
                }

                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    NewLine(sb, indent, depth + 1);
                    Write(sb, a[i], indent, sortKeys, depth + 1, bare);
                }

                NewLine(sb, indent, depth);
                sb.Append(']');
                break;
            case JsonValue v:
                WriteValue(sb, v, bare);
                break;
        }
    }

    private static void NewLine(StringBuilder sb, int indent, int depth)
    {
        sb.Append('\n');
        sb.Append(' ', indent * depth);
    }

    private static void WriteValue(StringBuilder sb, JsonValue v, bool bare)
    {
        if (v.TryGetValue<JsonElement>(out var element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String: WriteString(sb, element.GetString()!); return;
                case JsonValueKind.True: sb.Append("true"); return;
                case JsonValueKind.False: sb.Append("false"); return;
                case JsonValueKind.Null: sb.Append("null"); return;
                case JsonValueKind.Number:
                    var raw = element.GetRawText();
                    sb.Append(raw.AsSpan().IndexOfAny(".eE") < 0 ? raw : PythonFloat(element.GetDouble()));
                    return;
                default: throw new InvalidOperationException($"unexpected JSON value {element.GetRawText()}");
            }
        }

        if (v.TryGetValue<string>(out var s)) WriteString(sb, s);
        else if (v.TryGetValue<bool>(out var b)) sb.Append(b ? "true" : "false");
        else if (v.TryGetValue<double>(out var d)) WriteFloat(sb, d, bare);
        else if (v.TryGetValue<float>(out var f)) WriteFloat(sb, f, bare);
        else if (v.TryGetValue<decimal>(out var m)) WriteFloat(sb, (double)m, bare);
        else if (v.TryGetValue<long>(out var l)) sb.Append(l.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<ulong>(out var u)) sb.Append(u.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<int>(out var i)) sb.Append(i.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<uint>(out var ui)) sb.Append(ui.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<short>(out var sh)) sb.Append(sh.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<ushort>(out var us)) sb.Append(us.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<byte>(out var by)) sb.Append(by.ToString(CultureInfo.InvariantCulture));
        else if (v.TryGetValue<sbyte>(out var sb8)) sb.Append(sb8.ToString(CultureInfo.InvariantCulture));
        else sb.Append(v.ToJsonString());
    }

    private static void WriteFloat(StringBuilder sb, double d, bool bare)
    {
        var token = double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : null;
        if (token is not null && bare) sb.Append(token);
        else if (token is not null) WriteString(sb, token);
        else sb.Append(PythonFloat(d));
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, fixed notation for exponents -4..15.</summary>
    public static string PythonFloat(double d)
    {
        if (d == 0) return double.IsNegative(d) ? "-0.0" : "0.0";
        var r = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative) r = r[1..];
        var e = r.IndexOfAny(['E', 'e']);
        var exponent = e < 0 ? 0 : int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? r : r[..e];
        var dot = mantissa.IndexOf('.');
        var intDigits = dot < 0 ? mantissa.Length : dot;
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0') lead++;
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        var sci = intDigits - lead - 1 + exponent;
        var sb = new StringBuilder(negative ? "-" : "");
        if (sci is >= -4 and < 16)
        {
            if (sci >= 0)
            {
                sb.Append(digits.Length > sci + 1 ? digits[..(sci + 1)] : digits.PadRight(sci + 1, '0'));
                sb.Append('.');
                sb.Append(digits.Length > sci + 1 ? digits[(sci + 1)..] : "0");
            }
            else
            {
                sb.Append("0.").Append('0', -sci - 1).Append(digits);
            }
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1) sb.Append('.').Append(digits, 1, digits.Length - 1);
            sb.Append('e').Append(sci < 0 ? '-' : '+').Append(Math.Abs(sci).ToString("00", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }
}
