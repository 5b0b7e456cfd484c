using System.Collections.Immutable;
using System.CommandLine;
using Forge.Cli.Composition;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary>The options `run` and `plan` share, and their parsing (sizes like 2GiB, K/N shards).</summary>
internal sealed class SharedRunOptions
{
    public Option<string?> RecipeId { get; } = new("--recipe") { Description = "Run only the recipe with this id from a feedstock." };
    public Option<string?> Target { get; } = new("--target") { Description = "Target store URL (local path, file:// or s3://bucket/prefix); overrides target.url. {id} is replaced by the recipe id (needed for a feedstock of several recipes)." };
    public Option<int?> Prune { get; } = new("--prune") { Description = "Keep only the first N concat keys (all merge keys): a quick test of a recipe. Writes to <target>.prune-N unless --target is given." };
    public Option<string?> Shard { get; } = new("--shard") { Description = "Run the K-th of N disjoint slices of the work (K/N, 0-based); not supported yet." };
    public Option<string?> MaxMemory { get; } = new("--max-memory") { Description = "Memory bound for array data, e.g. 512MiB or 4GiB; overrides run.max_memory." };
    public Option<int?> Workers { get; } = new("--workers") { Description = "Decode/encode parallelism; overrides run.workers." };
    public Option<string?> Cache { get; } = new("--cache") { Description = "Input cache folder or s3:// URL; overrides inputs.cache." };
    public Option<bool> Offline { get; } = new("--offline") { Description = "Fetch nothing: every remote input must come from the cache." };
    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "Replace a target that holds something else (another recipe or other inputs)." };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { RecipeId, Target, Prune, Shard, MaxMemory, Workers, Cache, Offline, Overwrite }) cmd.Options.Add(o);
    }

    public RunOverrides Read(ParseResult parse)
    {
        if (parse.GetValue(Shard) is { } shard)
            throw new UsageException($"--shard {shard}: sharded runs are not supported yet");
        long? maxMemory = null;
        if (parse.GetValue(MaxMemory) is { } m)
            maxMemory = Units.TryParseSize(m, out var bytes) && bytes > 0 ? bytes : throw new UsageException($"--max-memory '{m}' is not a size such as 512MiB or 4GiB");
        var prune = parse.GetValue(Prune);
        if (prune is < 1) throw new UsageException("--prune must be at least 1");
        var workers = parse.GetValue(Workers);
        if (workers is < 1) throw new UsageException("--workers must be at least 1");
        return new RunOverrides(parse.GetValue(Target), prune, maxMemory, workers, parse.GetValue(Cache), parse.GetValue(Offline), parse.GetValue(Overwrite)) { TargetFromFlag = parse.GetValue(Target) is not null };
    }

    /// <summary>In --target, replaced by each recipe's id, so one flag places every recipe of a feedstock.</summary>
    public const string IdPlaceholder = "{id}";

    /// <summary>Several recipes never share one --target store: the flag must then hold {id}.</summary>
    public static void CheckOneTargetPerRecipe(ImmutableArray<Recipe> recipes, RunOverrides o)
    {
        if (recipes.Length > 1 && o.Target is { } target && !target.Contains(IdPlaceholder, StringComparison.Ordinal))
            throw new UsageException($"--target {target} would put {recipes.Length} recipes ({string.Join(", ", recipes.Select(r => r.Id))}) in one store; write {IdPlaceholder} in it (e.g. {target.TrimEnd('/')}/{IdPlaceholder}.zarr) or choose one with --recipe");
    }

    public static ImmutableArray<Recipe> Select(ImmutableArray<Recipe> recipes, string? id)
    {
        if (id is null) return recipes;
        var match = recipes.Where(r => r.Id == id).ToImmutableArray();
        return match.IsEmpty
            ? throw new UsageException($"--recipe {id}: no such recipe (have: {string.Join(", ", recipes.Select(r => r.Id))})")
            : match;
    }
}
