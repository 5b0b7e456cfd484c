using System.Collections.Immutable;
using System.Globalization;
using Forge.Core.Arrays;
using Forge.Core.Datasets;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>Parses <c>target</c>: URL, Zarr format, chunking, sharding, codecs, per-variable overrides, S3 options, attrs.</summary>
internal static class TargetParser
{
    public static readonly string[] Keys = ["url", "zarr_format", "chunks", "chunk_size", "shards", "codec", "variables", "s3", "attrs"];
    public static readonly string[] VariableKeys = ["chunks", "codec", "dtype", "fill_value"];
    public static readonly string[] S3Keys = ["endpoint", "region", "anonymous", "profile"];

    /// <summary>Zarr v3 data type names accepted by <c>dtype</c>.</summary>
    public static readonly ImmutableDictionary<string, DataType> DTypes = Enum.GetValues<DataType>()
        .Where(t => t is not (DataType.Char or DataType.String))
        .ToImmutableDictionary(t => t.ZarrV3Name(), t => t, StringComparer.Ordinal);

    private sealed record Chunks(ChunkingSpec Spec, ImmutableDictionary<string, YamlNode> Nodes);

    public static TargetSpec? Parse(YamlContext ctx, YamlNode? node, string id)
    {
        if (node is null || YamlContext.IsNull(node))
        {
            return new TargetSpec(TargetSpec.DefaultUrl(id), TargetSpec.DefaultZarrFormat, ChunkingSpec.Auto, TargetSpec.DefaultChunkSize,
                null, CodecSpec.Default, ImmutableDictionary<string, VariableOverride>.Empty, null, ImmutableDictionary<string, AttributeValue?>.Empty);
        }

        var map = ctx.Map(node, "target", Keys);
        if (map is null) return null;
        var ok = true;

        var url = TargetSpec.DefaultUrl(id);
        if (map.Get("url") is { } urlNode)
        {
            var parsed = RecipeParser.ParseStoreUrl(ctx, urlNode, "target.url", "the target");
            ok &= parsed is not null;
            url = parsed ?? url;
        }

        var zarrFormat = ctx.Int(map.Get("zarr_format"), "target.zarr_format", 2, 3);
        ok &= zarrFormat is not null || !map.Has("zarr_format");

        var chunks = map.Get("chunks") is { } chunksNode ? ParseChunks(ctx, chunksNode, "target.chunks") : new Chunks(ChunkingSpec.Auto, ImmutableDictionary<string, YamlNode>.Empty);
        ok &= chunks is not null;

        var chunkSize = ctx.Size(map.Get("chunk_size"), "target.chunk_size");
        ok &= chunkSize is not null || !map.Has("chunk_size");

        ImmutableDictionary<string, int>? shards = null;
        if (map.Entry("shards") is { } shardsEntry)
        {
            shards = ParseDimLengths(ctx, shardsEntry.Value, "target.shards")?.Lengths;
            ok &= shards is not null;
            if ((zarrFormat ?? TargetSpec.DefaultZarrFormat) == 2)
            {
                ctx.Error(shardsEntry.KeyNode, "'target.shards' needs zarr_format: 3 (Zarr v2 has no sharding)");
                ok = false;
            }
        }

        var codec = map.Get("codec") is { } codecNode ? CodecParser.Parse(ctx, codecNode, "target.codec") : CodecSpec.Default;
        ok &= codec is not null;

        var variables = ImmutableDictionary.CreateBuilder<string, VariableOverride>(StringComparer.Ordinal);
        var variableChunks = new List<Chunks>();
        if (map.Get("variables") is { } variablesNode)
        {
            var variablesMap = ctx.Map(variablesNode, "target.variables", allowed: null);
            ok &= variablesMap is not null;
            foreach (var entry in variablesMap?.Entries ?? [])
            {
                if (!ctx.CheckNodeName(entry.KeyNode, entry.Key, "target.variables")) { ok = false; continue; }
                var parsed = ParseVariable(ctx, entry.Value, variablesMap!.Child(entry.Key));
                if (parsed is null) { ok = false; continue; }
                variables[entry.Key] = parsed.Value.Override;
                if (parsed.Value.Chunks is not null) variableChunks.Add(parsed.Value.Chunks);
            }
        }

        if (shards is not null && chunks is not null)
        {
            ok &= CheckShards(ctx, shards, map.Get("shards")!, chunks, shardSide: true);
            foreach (var variable in variableChunks) ok &= CheckShards(ctx, shards, map.Get("shards")!, variable, shardSide: false);
        }

        var s3 = map.Get("s3") is { } s3Node ? ParseS3(ctx, s3Node) : null;
        ok &= s3 is not null || !map.Has("s3");

        var attrs = map.Get("attrs") is { } attrsNode ? AttributeParser.ParseMap(ctx, attrsNode, "target.attrs") : ImmutableDictionary<string, AttributeValue?>.Empty;
        ok &= attrs is not null;

        return ok
            ? new TargetSpec(url, zarrFormat ?? TargetSpec.DefaultZarrFormat, chunks!.Spec, chunkSize ?? TargetSpec.DefaultChunkSize, shards,
                codec!, variables.ToImmutable(), s3, attrs!)
            : null;
    }

    private static Chunks? ParseChunks(YamlContext ctx, YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: "auto" }) return new Chunks(ChunkingSpec.Auto, ImmutableDictionary<string, YamlNode>.Empty);
        if (node is not YamlMappingNode)
        {
            ctx.Error(node, $"{YamlContext.Describe(path)} must be 'auto' or a mapping of dimension lengths such as {{ time: 365 }}");
            return null;
        }

        var parsed = ParseDimLengths(ctx, node, path);
        return parsed is null ? null : new Chunks(ChunkingSpec.FromSizes(parsed.Value.Lengths), parsed.Value.Nodes);
    }

    private static (ImmutableDictionary<string, int> Lengths, ImmutableDictionary<string, YamlNode> Nodes)? ParseDimLengths(YamlContext ctx, YamlNode node, string path)
    {
        var map = ctx.Map(node, path, allowed: null);
        if (map is null) return null;
        if (map.Entries.Count == 0) { ctx.Error(node, $"{YamlContext.Describe(path)} is empty"); return null; }
        var lengths = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        var nodes = ImmutableDictionary.CreateBuilder<string, YamlNode>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in map.Entries)
        {
            var length = ctx.Int(entry.Value, map.Child(entry.Key), 1, int.MaxValue);
            if (length is null) { ok = false; continue; }
            lengths[entry.Key] = length.Value;
            nodes[entry.Key] = entry.Value;
        }

        return ok ? (lengths.ToImmutable(), nodes.ToImmutable()) : null;
    }

    // Each shard length must be a whole number of chunks; dims without an explicit chunk are checked at plan time.
    private static bool CheckShards(YamlContext ctx, ImmutableDictionary<string, int> shards, YamlNode shardsNode, Chunks chunks, bool shardSide)
    {
        if (chunks.Spec.Explicit is not { } sizes) return true;
        var ok = true;
        var shardNodes = ((YamlMappingNode)shardsNode).Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => p.Value, StringComparer.Ordinal);
        foreach (var (dim, shard) in shards.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!sizes.TryGetValue(dim, out var chunk) || shard % chunk == 0) continue;
            var at = shardSide ? shardNodes[dim] : chunks.Nodes[dim];
            ctx.Error(at, $"shard length {shard} of dim '{dim}' is not a multiple of its chunk length {chunk}");
            ok = false;
        }

        return ok;
    }

    private static (VariableOverride Override, Chunks? Chunks)? ParseVariable(YamlContext ctx, YamlNode node, string path)
    {
        var map = ctx.Map(node, path, VariableKeys);
        if (map is null) return null;
        var ok = true;
        var chunks = map.Get("chunks") is { } chunksNode ? ParseChunks(ctx, chunksNode, map.Child("chunks")) : null;
        ok &= chunks is not null || !map.Has("chunks");
        var codec = map.Get("codec") is { } codecNode ? CodecParser.Parse(ctx, codecNode, map.Child("codec")) : null;
        ok &= codec is not null || !map.Has("codec");
        DataType? dtype = null;
        if (map.Get("dtype") is { } dtypeNode && ctx.Text(dtypeNode, map.Child("dtype")) is { } dtypeText)
        {
            if (DTypes.TryGetValue(dtypeText, out var parsed)) dtype = parsed;
            else { ctx.Error(dtypeNode, $"unknown dtype '{dtypeText}'; allowed: {string.Join(", ", DTypes.Keys.OrderBy(k => (int)DTypes[k]))}"); ok = false; }
        }
        else if (map.Has("dtype")) ok = false;

        var fill = map.Get("fill_value") is { } fillNode ? ParseFillValue(ctx, fillNode, map.Child("fill_value"), dtype) : null;
        ok &= fill is not null || !map.Has("fill_value");
        return ok ? (new VariableOverride(chunks?.Spec, codec, dtype, fill), chunks) : null;
    }

    private static FillValueSpec? ParseFillValue(YamlContext ctx, YamlNode node, string path, DataType? dtype)
    {
        if (YamlContext.IsNull(node)) return FillValueSpec.None;
        var text = (node as YamlScalarNode)?.Value;
        FillValueSpec? fill = null;
        if (text is not null && YamlContext.IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            fill = new FillValueSpec(integer, integer);
        else if (text is not null && AttributeParser.TryParseYamlFloat(text, out var real))
            fill = new FillValueSpec(real, null);
        else if (text is "NaN" or "nan") fill = new FillValueSpec(double.NaN, null);
        else if (text is "Infinity" or "inf") fill = new FillValueSpec(double.PositiveInfinity, null);
        else if (text is "-Infinity" or "-inf") fill = new FillValueSpec(double.NegativeInfinity, null);

        if (fill is null)
        {
            ctx.Error(node, $"{YamlContext.Describe(path)} must be a number, NaN, Infinity, -Infinity or null");
            return null;
        }

        if (dtype is { } type && (type.IsInteger() || type == DataType.Bool) && !FitsInteger(fill, type))
        {
            ctx.Error(node, $"fill_value {text} does not fit dtype {type.ZarrV3Name()}");
            return null;
        }

        return fill;
    }

    private static bool FitsInteger(FillValueSpec fill, DataType type)
    {
        if (fill.Integer is not { } v) return false;
        return type switch
        {
            DataType.Bool => v is 0 or 1,
            DataType.Int8 => v is >= sbyte.MinValue and <= sbyte.MaxValue,
            DataType.UInt8 => v is >= 0 and <= byte.MaxValue,
            DataType.Int16 => v is >= short.MinValue and <= short.MaxValue,
            DataType.UInt16 => v is >= 0 and <= ushort.MaxValue,
            DataType.Int32 => v is >= int.MinValue and <= int.MaxValue,
            DataType.UInt32 => v is >= 0 and <= uint.MaxValue,
            DataType.UInt64 => v >= 0,
            _ => true,
        };
    }

    private static S3Options? ParseS3(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "target.s3", S3Keys, Secrets.S3Keys);
        if (map is null) return null;
        var ok = true;
        var endpoint = ctx.Text(map.Get("endpoint"), "target.s3.endpoint");
        if (endpoint is not null)
        {
            if (Secrets.HasUserInfo(endpoint))
            {
                ctx.Error(map.Get("endpoint")!, "'target.s3.endpoint' contains credentials (user:password@); S3 credentials come from the standard AWS chain");
                ok = false;
            }
            else if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                ctx.Error(map.Get("endpoint")!, $"'target.s3.endpoint' must be an http:// or https:// URL, found '{endpoint}'");
                ok = false;
            }
        }

        var region = ctx.Text(map.Get("region"), "target.s3.region");
        var anonymous = ctx.Bool(map.Get("anonymous"), "target.s3.anonymous");
        var profile = ctx.Text(map.Get("profile"), "target.s3.profile");
        ok &= (region is not null || !map.Has("region")) && (anonymous is not null || !map.Has("anonymous")) && (profile is not null || !map.Has("profile"));
        return ok ? new S3Options(endpoint, region, anonymous ?? false, profile) : null;
    }
}
