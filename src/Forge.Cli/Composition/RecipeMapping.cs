using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Forge.Core.Arrays;
using Forge.Core.Codecs;
using Forge.Core.Datasets;
using Forge.Core.Datasets.Transforms;
using Forge.Core.Execution;
using Forge.Core.Planning;
using Forge.Recipes;
using Forge.Recipes.Patterns;

namespace Forge.Cli.Composition;

/// <summary>Command-line overrides of recipe settings.</summary>
internal sealed record RunOverrides(string? Target, int? Prune, long? MaxMemory, int? Workers, string? Cache, bool Offline, bool Overwrite)
{
    /// <summary>The target came from the --target flag itself: a pruned run then writes there, not to a scratch store.</summary>
    public bool TargetFromFlag { get; init; }

    /// <summary>--strategy: true when given; <see cref="Strategy"/> null then means auto.</summary>
    public bool StrategySet { get; init; }

    public RechunkStrategy? Strategy { get; init; }

    /// <summary>--scratch: the local scratch folder (absolute).</summary>
    public string? Scratch { get; init; }

    /// <summary>--shard K/N: this run writes only that slice of the objects (null: the whole store).</summary>
    public Forge.Core.Planning.ShardSlice? Shard { get; init; }

    /// <summary>--stage 1|2 of a staged sharded run (null: one stage).</summary>
    public int? Stage { get; init; }

    /// <summary>--no-fsync: a local target is not flushed to disk (overrides run.fsync).</summary>
    public bool NoFsync { get; init; }

    /// <summary>Whether a local target is flushed to disk: run.fsync unless --no-fsync.</summary>
    public bool Fsync(Recipe recipe) => !NoFsync && recipe.Run.Fsync;
}

/// <summary>Turns a parsed recipe (plus command-line overrides) into the engine's <see cref="RunRequest"/>.</summary>
internal static class RecipeMapping
{
    public static RunRequest ToRequest(Recipe recipe, RunOverrides o)
    {
        RefuseUnsupported(recipe);
        var pattern = FilePattern.FromRecipe(recipe);
        if (o.Prune is { } n) pattern = pattern.Prune(n);
        var recipeDir = Path.GetDirectoryName(Path.GetFullPath(recipe.SourcePath))!;
        var inputs = pattern.Expand().Select(p => new RunInput(p.ConcatIndex, Math.Max(0, p.MergeIndex), ResolveUrl(p.Url, recipeDir))).ToImmutableArray();
        var target = recipe.Target;
        var chunking = ToPolicy(target.Chunks, target.ChunkSize, target.Shards);
        var perVariable = target.Variables
            .Where(kv => kv.Value.Chunks is not null)
            .ToImmutableDictionary(kv => kv.Key, kv => ToPolicy(kv.Value.Chunks!, target.ChunkSize, target.Shards));
        var extra = new AttributeSet(target.Attrs.Where(kv => kv.Value is not null).Select(kv => new KeyValuePair<string, AttributeValue>(kv.Key, kv.Value!)));
        return new RunRequest(
            recipe.Id,
            recipe.Sha256,
            recipe.Inputs.Concat.Dim,
            inputs,
            FormatName(recipe.Inputs.Format),
            FormatOptions(recipe),
            [.. recipe.Transforms.Select(ToTransform)],
            chunking,
            perVariable,
            extra,
            o.MaxMemory ?? recipe.Run.MaxMemory,
            o.Workers ?? recipe.Run.Workers ?? Environment.ProcessorCount,
            recipe.Inputs.Fetch.Concurrency)
        {
            Overwrite = o.Overwrite,
            Shard = o.Shard,
            Stage = o.Stage,
            ItemsPerFile = recipe.Inputs.Concat.ItemsPerFile,
            DataVariables = recipe.Inputs.Concat.DataVars,
            Strategy = o.StrategySet ? o.Strategy : recipe.Run.Strategy,
            Codecs = a => Codecs(recipe, a),
            ScratchDirectory = o.Scratch ?? (recipe.Run.Scratch is { } scratch ? Path.GetFullPath(Path.Combine(recipeDir, scratch)) : null),
        };
    }

    /// <summary>Keys the parser accepts whose feature is not built yet are refused here, never ignored.</summary>
    private static void RefuseUnsupported(Recipe recipe)
    {
        foreach (var (name, v) in recipe.Target.Variables)
        {
            if (v.DType is not null)
                throw recipe.ErrorAt($"target.variables.{name}.dtype", "per-variable dtype is not supported yet");
            if (v.FillValue is not null)
                throw recipe.ErrorAt($"target.variables.{name}.fill_value", "per-variable fill_value is not supported yet");
        }
    }

    /// <summary>Relative local paths in the url template resolve against the recipe file's folder.</summary>
    internal static string ResolveUrl(string url, string recipeDir)
    {
        if (url.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(url)) return url;
        return Path.GetFullPath(Path.Combine(recipeDir, url));
    }

    private static ChunkingPolicy ToPolicy(ChunkingSpec chunks, long chunkSize, ImmutableDictionary<string, int>? shards) => new(
        chunks.Explicit?.ToImmutableDictionary(kv => kv.Key, kv => (long)kv.Value),
        chunkSize,
        shards?.ToImmutableDictionary(kv => kv.Key, kv => (long)kv.Value));

    internal static string FormatName(InputFormat format) => format switch
    {
        InputFormat.Auto => "auto",
        InputFormat.NetCdf3 => "netcdf3",
        InputFormat.NetCdf4 => "netcdf4",
        InputFormat.Hdf5 => "hdf5",
        InputFormat.Grib => "grib",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The reader options the recipe sets: the GRIB filter (<c>inputs.grib</c>), the NetCDF sub-group policy (<c>inputs.netcdf</c>).</summary>
    internal static IReadOnlyDictionary<string, object?>? FormatOptions(Recipe recipe)
    {
        var options = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (recipe.Inputs.Grib is { } grib)
        {
            var filter = grib.Filter.ToDictionary(kv => kv.Key, kv => kv.Value.Length == 1 ? (object?)kv.Value[0] : kv.Value.ToList());
            options["filter"] = (IReadOnlyDictionary<string, object?>)filter;
        }

        if (recipe.Inputs.NetCdf.SubGroups != SubGroups.Reject)
            options["sub_groups"] = NetCdfOptions.SubGroupNames.Single(kv => kv.Value == recipe.Inputs.NetCdf.SubGroups).Key;
        return options.Count == 0 ? null : options;
    }

    private static DatasetTransform ToTransform(TransformSpec t) => t switch
    {
        SqueezeTransform s => new DatasetTransform.Squeeze(s.Dims),
        DropTransform d => new DatasetTransform.Drop(d.Variables),
        SelectTransform s => new DatasetTransform.Select(s.Variables),
        RenameTransform r => new DatasetTransform.Rename(r.Names),
        SetCoordsTransform c => new DatasetTransform.SetCoords(c.Variables),
        DecodeCfTransform d => new DatasetTransform.DecodeCf(d.Variables),
        AttrsTransform a => new DatasetTransform.SetAttributes(
            a.Variables.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.Select(x => x).ToImmutableArray())
                .SetItem("global", [.. a.Global])),
        _ => throw new InvalidOperationException($"unknown transform {t.Name}"),
    };

    /// <summary>The bytes→bytes codecs for an array: the variable's override, else the recipe's codec.</summary>
    public static IReadOnlyList<IBytesToBytesCodec> Codecs(Recipe recipe, ArrayPlan array)
    {
        var spec = recipe.Target.Variables.TryGetValue(array.Variable.Name, out var o) && o.Codec is not null ? o.Codec : recipe.Target.Codec;
        var type = array.Variable.DataType;
        var registry = CodecRegistry.Default;
        return spec switch
        {
            NoCodecSpec => [],
            ZstdCodecSpec z => [registry.CreateBytesToBytes("zstd", new JsonObject { ["level"] = z.Level, ["checksum"] = false }, type)],
            GzipCodecSpec g => [registry.CreateBytesToBytes("gzip", new JsonObject { ["level"] = g.Level }, type)],
            BloscCodecSpec b => [registry.CreateBytesToBytes("blosc", new JsonObject
            {
                ["cname"] = b.CName,
                ["clevel"] = b.CLevel,
                ["shuffle"] = b.Shuffle switch { BloscShuffle.NoShuffle => "noshuffle", BloscShuffle.BitShuffle => "bitshuffle", _ => "shuffle" },
                ["typesize"] = Math.Max(1, type.ElementSize()),
                ["blocksize"] = b.BlockSize,
            }, type)],
            _ => throw new InvalidOperationException($"unknown codec {spec}"),
        };
    }
}
