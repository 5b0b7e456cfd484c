using System.Collections.Immutable;
using System.CommandLine;
using Forge.Cli.Composition;
using Forge.Cli.Hosting;
using Forge.Recipes;

namespace Forge.Cli.Commands;

/// <summary>
/// The options `run` and `plan` share. Target, cache, max memory and workers are settings: their flags are layered
/// over FORGE_* variables and forge.yaml by the host (see <see cref="ForgeConfiguration"/>), and read back from there.
/// </summary>
internal sealed class SharedRunOptions
{
    public Option<string?> RecipeId { get; } = new("--recipe") { Description = "Run only the recipe with this id from a feedstock." };
    public Option<string?> Target { get; } = new("--target") { Description = "Target store URL (local path, file:// or s3://bucket/prefix); overrides target.url. {id} is replaced by the recipe id (needed for a feedstock of several recipes). Setting: target, FORGE_TARGET." };
    public Option<int?> Prune { get; } = new("--prune") { Description = "Keep only the first N concat keys (all merge keys): a quick test of a recipe. Writes to <target>.prune-N unless --target is given.", CustomParser = OptionParsers.PositiveInt };
    public Option<string?> Shard { get; } = new("--shard") { Description = "Write only the K-th of N disjoint slices of the target's objects (K/N, K from 0), for batch engines (Slurm job arrays, Kubernetes Indexed Jobs, CI matrices); publishes nothing: run `forge finalize` after every shard." };
    public Option<int?> Stage { get; } = new("--stage") { Description = "With --shard, for a plan that spills: 1 = the shards split the INPUTS and store pieces in an intermediate store beside the target (.forge/intermediate/); 2 = the shards split the OBJECTS and assemble them from the pieces. Run every stage-1 shard, then every stage-2 shard, then `forge finalize`. A plan that does not spill: stage 1 does nothing, stage 2 is a plain shard." };
    public Option<string?> MaxMemory { get; } = new("--max-memory") { Description = "Memory bound for array data, e.g. 512MiB or 4GiB; overrides run.max_memory. Setting: max_memory, FORGE_MAX_MEMORY." };
    public Option<string?> Workers { get; } = new("--workers") { Description = "Decode/encode parallelism; overrides run.workers. Setting: workers, FORGE_WORKERS." };
    public Option<string?> Strategy { get; } = new("--strategy") { Description = "How objects that do not fit in memory at once are written: auto, single, passes, spill or stream; overrides run.strategy." };
    public Option<string?> Scratch { get; } = new("--scratch") { Description = "Local folder for the spill store and shard assembly; overrides run.scratch (default: the system temp folder)." };
    public Option<string?> Cache { get; } = new("--cache") { Description = "Input cache folder or s3:// URL; overrides inputs.cache. Setting: cache, FORGE_CACHE." };
    public Option<bool> Offline { get; } = new("--offline") { Description = "Fetch nothing: every remote input must come from the cache." };
    public Option<bool> Overwrite { get; } = new("--overwrite") { Description = "Replace a target that holds something else (another recipe or other inputs)." };
    public Option<bool> NoFsync { get; } = new("--no-fsync") { Description = "Do not flush a local target to disk before objects are marked done and before publish (faster; a machine crash may then lose finished objects); overrides run.fsync." };

    private bool _writes = true;
    private bool _fsyncOption;

    /// <summary>--no-fsync: only `run` writes a target.</summary>
    public void AddFsyncTo(Command cmd)
    {
        cmd.Options.Add(NoFsync);
        _fsyncOption = true;
    }

    public void AddTo(Command cmd)
    {
        Stage.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } v && v is not (1 or 2)) r.AddError($"--stage {v}: must be 1 (shards split the inputs and store pieces) or 2 (shards split the objects and assemble them)");
        });
        foreach (var o in new Option[] { RecipeId, Target, Prune, Shard, Stage, MaxMemory, Workers, Strategy, Scratch, Cache, Offline, Overwrite }) cmd.Options.Add(o);
    }

    /// <summary>The options of verbs that read a run's inputs and target but do not run it (finalize, verify): no --shard, no --overwrite.</summary>
    public void AddReadOptionsTo(Command cmd)
    {
        _writes = false;
        foreach (var o in new Option[] { RecipeId, Target, Prune, MaxMemory, Workers, Cache, Offline }) cmd.Options.Add(o);
    }

    public RunOverrides Read(ParseResult parse, ForgeSettings settings)
    {
        var overwrite = _writes && parse.GetValue(Overwrite);
        Forge.Core.Planning.ShardSlice? slice = null;
        if (_writes && parse.GetValue(Shard) is { } shard)
        {
            slice = Forge.Core.Planning.ShardSlice.TryParse(shard, out var error) ?? throw new UsageException($"--shard {error}");
            if (overwrite)
                throw new UsageException($"--shard {shard} with --overwrite: one shard would wipe what the others write; delete the target (or run `forge run --overwrite` without --shard), then start the shards");
        }

        return new RunOverrides(settings.Target, parse.GetValue(Prune), settings.MaxMemory, settings.Workers, settings.Cache, parse.GetValue(Offline), overwrite)
        {
            // Only an explicit --target opts a pruned run out of its scratch target; a configured target is the real one.
            TargetFromFlag = settings.Sources.GetValueOrDefault("target") == "--target",
            StrategySet = parse.GetValue(Strategy) is not null,
            Strategy = parse.GetValue(Strategy) is { } name ? StrategyOf(name) : null,
            Scratch = parse.GetValue(Scratch) is { } scratch ? Path.GetFullPath(scratch) : null,
            Shard = slice,
            Stage = _writes ? parse.GetValue(Stage) : null,
            NoFsync = _fsyncOption && parse.GetValue(NoFsync),
        };
    }

    private static Forge.Core.Planning.RechunkStrategy? StrategyOf(string name) =>
        RunSpec.StrategyNames.TryGetValue(name, out var strategy)
            ? strategy
            : throw new UsageException($"--strategy {name}: must be one of {string.Join(", ", RunSpec.StrategyNames.Keys)}{DidYouMean.Hint(name, [.. RunSpec.StrategyNames.Keys])}");

    /// <summary>In --target, replaced by each recipe's id, so one flag places every recipe of a feedstock.</summary>
    public const string IdPlaceholder = "{id}";

    /// <summary>Several recipes never share one --target store: the flag must then hold {id}.</summary>
    public static void CheckOneTargetPerRecipe(ImmutableArray<Recipe> recipes, RunOverrides o)
    {
        if (recipes.Length > 1 && o.Target is { } target && !target.Contains(IdPlaceholder, StringComparison.Ordinal))
            throw new UsageException($"target {target} (--target or FORGE_TARGET) would put {recipes.Length} recipes ({string.Join(", ", recipes.Select(r => r.Id))}) in one store; write {IdPlaceholder} in it (e.g. {target.TrimEnd('/')}/{IdPlaceholder}.zarr) or choose one with --recipe");
    }

    public static ImmutableArray<Recipe> Select(ImmutableArray<Recipe> recipes, string? id)
    {
        if (id is null) return recipes;
        var match = recipes.Where(r => r.Id == id).ToImmutableArray();
        return match.IsEmpty
            ? throw new UsageException($"--recipe {id}: no such recipe{DidYouMean.Hint(id, [.. recipes.Select(r => r.Id)])}")
            : match;
    }
}
