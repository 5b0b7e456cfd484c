using System.Diagnostics;
using System.Text.Json;
using Forge.Recipes.Parsing;

namespace Forge.Recipes.Tests;

public sealed class RecipeSchemaTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(RecipeSchema.Json).RootElement;

    private static JsonElement At(params string[] path)
    {
        var node = Root;
        foreach (var step in path)
        {
            node = node.GetProperty(step);
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference))
            {
                node = Root;
                foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/')) node = node.GetProperty(part);
            }
        }

        return node;
    }

    private static string[] Keys(JsonElement obj) => obj.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Schema_is_draft_2020_12_and_names_every_top_level_key()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Root.GetProperty("$schema").GetString());
        Assert.Equal(RecipeParser.TopKeys, Keys(Root));
        Assert.Equal(["forge", "id", "inputs"], Root.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.False(Root.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void Schema_keys_match_the_parser_at_every_level()
    {
        Assert.Equal(RecipeParser.InputsKeys, Keys(At("properties", "inputs")));
        Assert.Equal(RecipeParser.ConcatKeys, Keys(At("properties", "inputs", "properties", "concat")));
        Assert.Equal(["range", "list"], Keys(At("properties", "inputs", "properties", "concat", "properties", "keys")));
        Assert.Equal(["start", "end", "step"], Keys(At("properties", "inputs", "properties", "concat", "properties", "keys", "properties", "range")));
        Assert.Equal(RecipeParser.MergeKeys, Keys(At("properties", "inputs", "properties", "merge")));
        Assert.Equal(RecipeParser.GribKeys, Keys(At("properties", "inputs", "properties", "grib")));
        Assert.Equal(RecipeParser.NetCdfKeys, Keys(At("properties", "inputs", "properties", "netcdf")));
        Assert.Equal(NetCdfOptions.SubGroupNames.Keys, At("properties", "inputs", "properties", "netcdf", "properties", "sub_groups", "enum").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(RecipeParser.FetchKeys, Keys(At("properties", "inputs", "properties", "fetch")));
        Assert.Equal(RecipeParser.AuthKeys, Keys(At("properties", "inputs", "properties", "fetch", "properties", "auth")));
        Assert.Equal(RecipeParser.BasicKeys, Keys(At("properties", "inputs", "properties", "fetch", "properties", "auth", "properties", "basic")));
        Assert.Equal(RecipeParser.Formats, At("properties", "inputs", "properties", "format", "enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(TransformParser.Names, Keys(At("properties", "transforms", "items")));
        Assert.Equal(TargetParser.Keys, Keys(At("properties", "target")));
        Assert.Equal(TargetParser.VariableKeys, Keys(At("properties", "target", "properties", "variables", "additionalProperties")));
        Assert.Equal(TargetParser.S3Keys, Keys(At("properties", "target", "properties", "s3")));
        Assert.Equal(RecipeParser.RunKeys, Keys(At("properties", "run")));
        Assert.Equal(TargetParser.DTypes.Keys.Order(StringComparer.Ordinal).ToArray(),
            At("properties", "target", "properties", "variables", "additionalProperties", "properties", "dtype", "enum").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToArray());

        var codec = At("$defs", "codec").GetProperty("oneOf");
        Assert.Equal(CodecParser.Names, codec[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(CodecParser.Names, Keys(codec[1]));
        Assert.Equal(BloscCodecSpec.CNames, codec[1].GetProperty("properties").GetProperty("blosc").GetProperty("properties").GetProperty("cname").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public void Every_property_has_a_description()
    {
        var missing = new List<string>();
        void Walk(JsonElement node, string path)
        {
            if (node.ValueKind != JsonValueKind.Object) return;
            if (node.TryGetProperty("properties", out var properties))
            {
                foreach (var p in properties.EnumerateObject())
                {
                    if (!p.Value.TryGetProperty("description", out _) && !path.StartsWith("$defs", StringComparison.Ordinal)) missing.Add($"{path}.{p.Name}");
                    Walk(p.Value, $"{path}.{p.Name}");
                }
            }

            foreach (var key in new[] { "items", "additionalProperties" })
            {
                if (node.TryGetProperty(key, out var child)) Walk(child, $"{path}[]");
            }
        }

        Walk(Root, "");
        Assert.Empty(missing);
    }

    [Fact]
    public void Meta_schema_keys_match_the_meta_parser()
    {
        var meta = JsonDocument.Parse(RecipeSchema.MetaJson).RootElement;
        var properties = meta.GetProperty("properties");
        Assert.Equal(FeedstockMetaParser.TopKeys, Keys(meta));
        Assert.Equal(FeedstockMetaParser.RecipeKeys, Keys(properties.GetProperty("recipes").GetProperty("items")));
        Assert.Equal(FeedstockMetaParser.ProvenanceKeys, Keys(properties.GetProperty("provenance")));
        var provider = properties.GetProperty("provenance").GetProperty("properties").GetProperty("providers").GetProperty("items");
        Assert.Equal(FeedstockMetaParser.ProviderKeys, Keys(provider));
        Assert.Equal(FeedstockMetaParser.Roles, provider.GetProperty("properties").GetProperty("roles").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(FeedstockMetaParser.MaintainerKeys, Keys(properties.GetProperty("maintainers").GetProperty("items")));
    }

    /// <summary>Validates recipes with the Debian python3-jsonschema (an independent draft 2020-12 implementation).</summary>
    [Fact]
    public void Python_jsonschema_accepts_valid_recipes_and_meta_and_rejects_invalid_ones()
    {
        using var dir = new TempRecipeDir();
        var schema = dir.Write("schema.json", RecipeSchema.Json);
        var full = dir.Write("full.yaml", Samples.FullRecipe);
        var minimal = dir.Write("minimal.yaml", Samples.Minimal);
        var unknownKey = dir.Write("unknown.yaml", Samples.Minimal + "\ntagret: {}\n");
        var badCodec = dir.Write("codec.yaml", Samples.Minimal + "\ntarget: { codec: { lz4: {} } }\n");
        var badStep = dir.Write("step.yaml", Samples.Minimal.Replace("end: 2000-01-10", "end: 2000-01-10, step: 1 fortnight", StringComparison.Ordinal));
        var relative = dir.Write("relative.yaml", Samples.Minimal.Replace("end: 2000-01-10", "end: -2 days", StringComparison.Ordinal));
        var badRelative = dir.Write("badrelative.yaml", Samples.Minimal.Replace("end: 2000-01-10", "end: -2 weeks", StringComparison.Ordinal));
        var metaSchema = dir.Write("meta-schema.json", RecipeSchema.MetaJson);
        var meta = dir.Write("meta.yaml", "title: T\nrecipes:\n  - { id: minimal, path: minimal.yaml }\nprovenance:\n  providers:\n    - { name: NOAA, roles: [producer, host] }\n  license: CC0-1.0\nmaintainers:\n  - { name: Jane Doe, orcid: 0000-0000-0000-000X }\n");
        var badMeta = dir.Write("badmeta.yaml", "title: T\nrecipes:\n  - { id: minimal, file: minimal.yaml }\n");
        var script = dir.Write("check.py", """
            import json, sys, yaml, jsonschema

            class Loader(yaml.SafeLoader):
                pass

            # Keep dates as strings, as yaml-language-server (YAML 1.2 core schema) does.
            Loader.yaml_implicit_resolvers = {
                k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
                for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
            }

            validators = {}
            for name in (sys.argv[1], sys.argv[2]):
                schema = json.load(open(name))
                jsonschema.Draft202012Validator.check_schema(schema)
                validators[name] = jsonschema.Draft202012Validator(schema)
            for path in sys.argv[3:]:
                validator = validators[sys.argv[2] if "meta" in path else sys.argv[1]]
                doc = yaml.load(open(path), Loader=Loader)
                errors = list(validator.iter_errors(doc))
                print(path.rsplit("/", 1)[-1], "ok" if not errors else "invalid")
            """);

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, schema, metaSchema, full, minimal, unknownKey, badCodec, badStep, relative, badRelative, meta, badMeta }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, errors);
        Assert.Equal("full.yaml ok\nminimal.yaml ok\nunknown.yaml invalid\ncodec.yaml invalid\nstep.yaml invalid\nrelative.yaml ok\nbadrelative.yaml invalid\nmeta.yaml ok\nbadmeta.yaml invalid\n", output);
    }
}
