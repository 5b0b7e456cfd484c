using System.Collections.Immutable;
using Forge.Core.Datasets;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>Parses <c>transforms</c>: a list of one-key mappings, applied in order.</summary>
internal static class TransformParser
{
    public static readonly string[] Names = ["squeeze", "drop", "select", "rename", "set_coords", "attrs", "decode_cf"];

    public static ImmutableArray<TransformSpec>? Parse(YamlContext ctx, YamlNode? node)
    {
        if (node is null || YamlContext.IsNull(node)) return [];
        if (node is not YamlSequenceNode list)
        {
            ctx.Error(node, "'transforms' must be a list, e.g. '- squeeze: [zlev]'");
            return null;
        }

        var result = ImmutableArray.CreateBuilder<TransformSpec>(list.Children.Count);
        var ok = true;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var item = list.Children[i];
            var path = $"transforms[{i}]";
            if (item is not YamlMappingNode { Children.Count: 1 } mapping)
            {
                ctx.Error(item, $"{YamlContext.Describe(path)} must be a mapping with exactly one key ({string.Join(", ", Names)})");
                ok = false;
                continue;
            }

            var map = ctx.Map(mapping, path, Names);
            if (map is null || map.Entries.Count == 0) { ok = false; continue; }
            var entry = map.Entries[0];
            var location = ctx.Loc(entry.KeyNode);
            ctx.Locations[path] = location;
            var valuePath = map.Child(entry.Key);
            TransformSpec? transform = entry.Key switch
            {
                "squeeze" => ctx.NodeNames(entry.Value, valuePath) is { } dims ? new SqueezeTransform(dims, location) : null,
                "drop" => ctx.NodeNames(entry.Value, valuePath) is { } drop ? new DropTransform(drop, location) : null,
                "select" => ctx.NodeNames(entry.Value, valuePath) is { } select ? new SelectTransform(select, location) : null,
                "set_coords" => ctx.NodeNames(entry.Value, valuePath) is { } coords ? new SetCoordsTransform(coords, location) : null,
                "decode_cf" => ctx.NodeNames(entry.Value, valuePath) is { } decode ? new DecodeCfTransform(decode, location) : null,
                "rename" => ParseRename(ctx, entry.Value, valuePath, location),
                _ => ParseAttrs(ctx, entry.Value, valuePath, location),
            };
            if (transform is null) { ok = false; continue; }
            result.Add(transform);
        }

        return ok ? result.ToImmutable() : null;
    }

    private static RenameTransform? ParseRename(YamlContext ctx, YamlNode node, string path, SourceLocation location)
    {
        var map = ctx.Map(node, path, allowed: null);
        if (map is null) return null;
        if (map.Entries.Count == 0) { ctx.Error(node, $"{YamlContext.Describe(path)} is empty; write {{ old: new }}"); return null; }
        var names = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in map.Entries)
        {
            var newName = ctx.Text(entry.Value, map.Child(entry.Key));
            if (newName is null) { ok = false; continue; }
            if (!ctx.CheckNodeName(entry.KeyNode, entry.Key, path) || !ctx.CheckNodeName(entry.Value, newName, map.Child(entry.Key))) { ok = false; continue; }
            if (targets.TryGetValue(newName, out var other))
            {
                ctx.Error(entry.Value, $"'{entry.Key}' and '{other}' are both renamed to '{newName}'");
                ok = false;
                continue;
            }

            targets[newName] = entry.Key;
            names[entry.Key] = newName;
        }

        return ok ? new RenameTransform(names.ToImmutable(), location) : null;
    }

    private static AttrsTransform? ParseAttrs(YamlContext ctx, YamlNode node, string path, SourceLocation location)
    {
        var map = ctx.Map(node, path, allowed: null);
        if (map is null) return null;
        if (map.Entries.Count == 0) { ctx.Error(node, $"{YamlContext.Describe(path)} is empty; write {{ global: {{...}}, variable: {{...}} }}"); return null; }
        var global = ImmutableDictionary<string, AttributeValue?>.Empty;
        var variables = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, AttributeValue?>>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in map.Entries)
        {
            if (entry.Key != "global" && !ctx.CheckNodeName(entry.KeyNode, entry.Key, path)) { ok = false; continue; }
            var attrs = AttributeParser.ParseMap(ctx, entry.Value, map.Child(entry.Key));
            if (attrs is null) { ok = false; continue; }
            if (entry.Key == "global") global = attrs;
            else variables[entry.Key] = attrs;
        }

        return ok ? new AttrsTransform(global, variables.ToImmutable(), location) : null;
    }
}
