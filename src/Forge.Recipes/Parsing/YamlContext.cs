using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>
/// Error collection and typed scalar access over a YamlDotNet representation tree; every value read records its
/// location, and every problem becomes a <see cref="RecipeError"/> at the offending node's line:column.
/// </summary>
internal sealed partial class YamlContext(string file, TimeProvider? clock = null)
{
    private readonly List<RecipeError> _errors = [];

    /// <summary>"Now" in UTC, read once per recipe: relative range ends (<c>end: today</c>, <c>end: -2 days</c>) resolve against it.</summary>
    public DateTime UtcNow { get; } = (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime;

    public string File { get; } = file;

    public IReadOnlyList<RecipeError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public ImmutableDictionary<string, SourceLocation>.Builder Locations { get; } = ImmutableDictionary.CreateBuilder<string, SourceLocation>(StringComparer.Ordinal);

    public SourceLocation Loc(YamlNode node) => Loc(node.Start);

    public SourceLocation Loc(Mark mark) => new(File, (int)mark.Line, (int)mark.Column);

    public void Error(Mark mark, string message) => _errors.Add(new RecipeError(File, (int)mark.Line, (int)mark.Column, message));

    public void Error(YamlNode node, string message) => Error(node.Start, message);

    public void ErrorAtFileStart(string message) => _errors.Add(new RecipeError(File, 1, 1, message));

    /// <summary>An error at a character offset inside a single-line scalar (e.g. one placeholder of a URL).</summary>
    public void ErrorInScalar(YamlScalarNode node, int offset, string message)
    {
        if (node.Start.Line != node.End.Line) { Error(node, message); return; }
        var quote = node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0;
        _errors.Add(new RecipeError(File, (int)node.Start.Line, (int)node.Start.Column + quote + offset, message));
    }

    public RecipeException ToException() => new([.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public static string Describe(string path) => path.Length == 0 ? "the top level" : $"'{path}'";

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "null",
        YamlScalarNode => "a scalar",
        _ => "an alias",
    };

    /// <summary>A plain scalar that YAML reads as null (<c>~</c>, <c>null</c>, empty).</summary>
    public static bool IsNull(YamlNode? node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public static bool IsPlain(YamlScalarNode node) => node.Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>
    /// Opens a mapping. With <paramref name="allowed"/>, any other key is an error that names the key and lists the
    /// allowed ones; <paramref name="forbidden"/> gives keys a more specific message (literal secrets).
    /// </summary>
    public MapReader? Map(YamlNode? node, string path, IReadOnlyList<string>? allowed, IReadOnlyDictionary<string, string>? forbidden = null)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode mapping)
        {
            Error(node, $"{Describe(path)} must be a mapping, found {Kind(node)}");
            return null;
        }

        var entries = new List<MapEntry>(mapping.Children.Count);
        var forbiddenSeen = false;
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key } scalarKey)
            {
                Error(keyNode, $"keys in {Describe(path)} must be non-empty strings");
                continue;
            }

            if (forbidden is not null && forbidden.TryGetValue(key, out var reason))
            {
                Error(keyNode, reason);
                forbiddenSeen = true;
                continue;
            }

            if (allowed is not null && !allowed.Contains(key, StringComparer.Ordinal))
            {
                var suggestion = Suggest(key, allowed);
                Error(keyNode, $"unknown key '{key}' in {Describe(path)}; allowed: {string.Join(", ", allowed)}" +
                    (suggestion is null ? "" : $" (did you mean '{suggestion}'?)"));
                continue;
            }

            Locations[Join(path, key)] = Loc(keyNode);
            entries.Add(new MapEntry(key, scalarKey, value));
        }

        return new MapReader(this, mapping, path, entries, forbiddenSeen);
    }

    /// <summary>A non-null scalar's text; lists, mappings and null are errors.</summary>
    public string? Text(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlScalarNode scalar && !IsNull(scalar) && scalar.Value is { } value) return value;
        Error(node, $"{Describe(path)} must be a string, found {Kind(node)}");
        return null;
    }

    public int? Int(YamlNode? node, string path, int min, int max)
    {
        if (node is null) return null;
        if (node is YamlScalarNode s && IsPlain(s) && s.Value is { } text && IntegerPattern().IsMatch(text))
        {
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
            Error(node, $"{Describe(path)} must be between {min} and {max}, found {text}");
            return null;
        }

        Error(node, $"{Describe(path)} must be an integer, found {Kind(node)}{ScalarSuffix(node)}");
        return null;
    }

    public bool? Bool(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlScalarNode s && IsPlain(s))
        {
            switch (s.Value)
            {
                case "true" or "True" or "TRUE": return true;
                case "false" or "False" or "FALSE": return false;
            }
        }

        Error(node, $"{Describe(path)} must be true or false, found {Kind(node)}{ScalarSuffix(node)}");
        return null;
    }

    /// <summary>A byte size such as <c>64MiB</c>, <c>500MB</c>, <c>2GiB</c> or a plain byte count.</summary>
    public long? Size(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } text } && Units.TryParseSize(text, out var bytes))
        {
            if (bytes > 0) return bytes;
            Error(node, $"{Describe(path)} must be greater than zero");
            return null;
        }

        Error(node, $"{Describe(path)} must be a size such as 64MiB, 500MB or 2GiB (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB){ScalarSuffix(node)}");
        return null;
    }

    /// <summary>A duration such as <c>120s</c>, <c>5m</c>, <c>1h</c>, <c>1h30m</c> or plain seconds.</summary>
    public TimeSpan? Duration(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } text } && Units.TryParseDuration(text, out var duration))
        {
            if (duration > TimeSpan.Zero) return duration;
            Error(node, $"{Describe(path)} must be greater than zero");
            return null;
        }

        Error(node, $"{Describe(path)} must be a duration such as 120s, 5m, 1h or 1h30m (units ms, s, m, h, d){ScalarSuffix(node)}");
        return null;
    }

    /// <summary>A non-empty list of distinct non-empty names; a single scalar counts as a one-element list.</summary>
    public ImmutableArray<string>? Names(YamlNode? node, string path)
    {
        if (node is null) return null;
        if (node is YamlScalarNode single && !IsNull(single)) return Text(single, path) is { } one ? [one] : null;
        if (node is not YamlSequenceNode { Children.Count: > 0 } list)
        {
            Error(node, $"{Describe(path)} must be a non-empty list of names, found {Kind(node)}");
            return null;
        }

        var names = ImmutableArray.CreateBuilder<string>(list.Children.Count);
        var ok = true;
        foreach (var item in list.Children)
        {
            var name = Text(item, $"{path}[{names.Count}]");
            if (name is null) { ok = false; continue; }
            if (names.Contains(name)) { Error(item, $"'{name}' is listed twice in {Describe(path)}"); ok = false; continue; }
            names.Add(name);
        }

        return ok ? names.ToImmutable() : null;
    }

    /// <summary><see cref="Names"/> whose every item must be a valid Zarr node name (variables, dimensions).</summary>
    public ImmutableArray<string>? NodeNames(YamlNode? node, string path)
    {
        var names = Names(node, path);
        if (names is null) return null;
        var ok = true;
        for (var i = 0; i < names.Value.Length; i++)
        {
            var item = node is YamlSequenceNode list ? list.Children[i] : node!;
            ok &= CheckNodeName(item, names.Value[i], path);
        }

        return ok ? names : null;
    }

    /// <summary>Reports a name that cannot become a Zarr node (an array name and store key segment); true when it can.</summary>
    public bool CheckNodeName(YamlNode node, string name, string path)
    {
        if (Forge.Core.Zarr.ZarrNodeName.Problem(name) is not { } why) return true;
        Error(node, $"name '{Forge.Core.Zarr.ZarrNodeName.Show(name)}' in {Describe(path)} {why}; it cannot name a Zarr array");
        return false;
    }

    /// <summary>An environment variable name (never the secret itself; the value is not echoed in errors).</summary>
    public string? EnvName(YamlNode? node, string path)
    {
        var text = Text(node, path);
        if (text is null) return null;
        if (EnvNamePattern().IsMatch(text)) return text;
        Error(node!, $"{Describe(path)} must name an environment variable (letters, digits, _); write the name of the variable that holds the secret, never the secret itself");
        return null;
    }

    private static string ScalarSuffix(YamlNode node) =>
        node is YamlScalarNode { Value: { Length: > 0 and <= 40 } v } ? $" '{v}'" : "";

    private static string? Suggest(string key, IReadOnlyList<string> allowed)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in allowed)
        {
            var d = Levenshtein(key, candidate);
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }

        if (best is not null && bestDistance <= Math.Max(2, key.Length / 3)) return best;

        // A shared stem catches inflections the edit distance misses (retry → retries).
        return allowed.FirstOrDefault(c => key.Length >= 4 && c.Length >= 4 && CommonPrefix(key, c) >= 4);
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    internal static partial Regex IntegerPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvNamePattern();
}

/// <summary>One key of a mapping with its key node (for locations) and value.</summary>
internal sealed record MapEntry(string Key, YamlScalarNode KeyNode, YamlNode Value);

/// <summary>The checked keys of one mapping.</summary>
internal sealed class MapReader(YamlContext context, YamlMappingNode node, string path, IReadOnlyList<MapEntry> entries, bool forbiddenSeen)
{
    public YamlMappingNode Node { get; } = node;

    public string Path { get; } = path;

    public IReadOnlyList<MapEntry> Entries { get; } = entries;

    public YamlNode? Get(string key) => Entries.FirstOrDefault(e => e.Key == key)?.Value;

    public MapEntry? Entry(string key) => Entries.FirstOrDefault(e => e.Key == key);

    public bool Has(string key) => Entries.Any(e => e.Key == key);

    /// <summary>The value of a required key; a missing key is an error at the mapping.</summary>
    public YamlNode? Required(string key)
    {
        var value = Get(key);
        if (value is null)
        {
            // A literal secret was already reported in this mapping; "missing username_env" would only repeat it.
            if (forbiddenSeen) return null;
            context.Error(Node, $"missing required key '{key}' in {YamlContext.Describe(Path)}");
            return null;
        }

        if (YamlContext.IsNull(value))
        {
            context.Error(value, $"'{YamlContext.Join(Path, key)}' must not be empty");
            return null;
        }

        return value;
    }

    public string Child(string key) => YamlContext.Join(Path, key);
}
