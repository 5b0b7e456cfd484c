using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>Parses <c>codec</c>: <c>none</c>, a bare codec name (default options), or <c>{ name: { options } }</c>.</summary>
internal static class CodecParser
{
    public static readonly string[] Names = ["zstd", "gzip", "blosc", "none"];

    public static CodecSpec? Parse(YamlContext ctx, YamlNode node, string path)
    {
        if (node is YamlScalarNode scalar && !YamlContext.IsNull(scalar))
        {
            return scalar.Value switch
            {
                "zstd" => new ZstdCodecSpec(ZstdCodecSpec.DefaultLevel),
                "gzip" => new GzipCodecSpec(GzipCodecSpec.DefaultLevel),
                "blosc" => new BloscCodecSpec(BloscCodecSpec.DefaultCName, BloscCodecSpec.DefaultCLevel, BloscShuffle.Shuffle, 0),
                "none" => new NoCodecSpec(),
                _ => Unknown(ctx, node, scalar.Value!, path),
            };
        }

        if (node is not YamlMappingNode mapping)
        {
            ctx.Error(node, $"{YamlContext.Describe(path)} must be a codec name ({string.Join(", ", Names)}) or a mapping such as {{ zstd: {{ level: 3 }} }}");
            return null;
        }

        if (mapping.Children.Count != 1)
        {
            ctx.Error(node, $"{YamlContext.Describe(path)} must name exactly one codec ({string.Join(", ", Names)}), found {mapping.Children.Count}");
            return null;
        }

        var (keyNode, options) = mapping.Children.First();
        var name = (keyNode as YamlScalarNode)?.Value ?? "";
        var optionsPath = YamlContext.Join(path, name);
        if (!Names.Contains(name, StringComparer.Ordinal)) return Unknown(ctx, keyNode, name, path);
        ctx.Locations[optionsPath] = ctx.Loc(keyNode);

        // `zstd:` with no options (null) or `{}` takes the defaults.
        var empty = YamlContext.IsNull(options);
        switch (name)
        {
            case "zstd":
            {
                var map = empty ? null : ctx.Map(options, optionsPath, ["level"]);
                if (!empty && map is null) return null;
                var level = ctx.Int(map?.Get("level"), YamlContext.Join(optionsPath, "level"), ZstdCodecSpec.MinLevel, ZstdCodecSpec.MaxLevel);
                return map?.Has("level") == true && level is null ? null : new ZstdCodecSpec(level ?? ZstdCodecSpec.DefaultLevel);
            }

            case "gzip":
            {
                var map = empty ? null : ctx.Map(options, optionsPath, ["level"]);
                if (!empty && map is null) return null;
                var level = ctx.Int(map?.Get("level"), YamlContext.Join(optionsPath, "level"), GzipCodecSpec.MinLevel, GzipCodecSpec.MaxLevel);
                return map?.Has("level") == true && level is null ? null : new GzipCodecSpec(level ?? GzipCodecSpec.DefaultLevel);
            }

            case "blosc":
            {
                var map = empty ? null : ctx.Map(options, optionsPath, ["cname", "clevel", "shuffle", "blocksize"]);
                if (!empty && map is null) return null;
                var ok = true;
                var cname = BloscCodecSpec.DefaultCName;
                if (map?.Get("cname") is { } cnameNode)
                {
                    var text = ctx.Text(cnameNode, map.Child("cname"));
                    if (text is not null && !BloscCodecSpec.CNames.Contains(text, StringComparer.Ordinal))
                    {
                        ctx.Error(cnameNode, $"unknown blosc cname '{text}'; allowed: {string.Join(", ", BloscCodecSpec.CNames)}");
                        text = null;
                    }

                    ok &= text is not null;
                    cname = text ?? cname;
                }

                var clevel = BloscCodecSpec.DefaultCLevel;
                if (map?.Get("clevel") is { } clevelNode)
                {
                    var value = ctx.Int(clevelNode, map.Child("clevel"), 0, 9);
                    ok &= value is not null;
                    clevel = value ?? clevel;
                }

                var shuffle = BloscShuffle.Shuffle;
                if (map?.Get("shuffle") is { } shuffleNode)
                {
                    var text = ctx.Text(shuffleNode, map.Child("shuffle"));
                    BloscShuffle? parsed = text switch
                    {
                        "noshuffle" => BloscShuffle.NoShuffle,
                        "shuffle" => BloscShuffle.Shuffle,
                        "bitshuffle" => BloscShuffle.BitShuffle,
                        _ => null,
                    };
                    if (text is not null && parsed is null) ctx.Error(shuffleNode, $"unknown blosc shuffle '{text}'; allowed: noshuffle, shuffle, bitshuffle");
                    ok &= parsed is not null;
                    shuffle = parsed ?? shuffle;
                }

                var blocksize = 0;
                if (map?.Get("blocksize") is { } blocksizeNode)
                {
                    var value = ctx.Int(blocksizeNode, map.Child("blocksize"), 0, int.MaxValue);
                    ok &= value is not null;
                    blocksize = value ?? 0;
                }

                return ok ? new BloscCodecSpec(cname, clevel, shuffle, blocksize) : null;
            }

            default:
                if (!empty && !(options is YamlMappingNode { Children.Count: 0 }))
                {
                    ctx.Error(options, "codec 'none' takes no options");
                    return null;
                }

                return new NoCodecSpec();
        }
    }

    private static CodecSpec? Unknown(YamlContext ctx, YamlNode node, string name, string path)
    {
        ctx.Error(node, $"unknown codec '{name}' in {YamlContext.Describe(path)}; allowed: {string.Join(", ", Names)}");
        return null;
    }
}
