using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Forge.Core.Datasets.Combine;
using Forge.Recipes.Patterns;
using YamlDotNet.RepresentationModel;

namespace Forge.Recipes.Parsing;

/// <summary>
/// Strict recipe parser over YamlDotNet's representation model: every key of RECIPE-FORMAT.md is read and checked,
/// unknown keys are errors, and all errors found are reported together with their line:column.
/// </summary>
internal static partial class RecipeParser
{
    public static readonly string[] TopKeys = ["forge", "id", "title", "description", "inputs", "transforms", "target", "run"];
    public static readonly string[] InputsKeys = ["url", "concat", "merge", "format", "grib", "netcdf", "fetch", "cache"];
    public static readonly string[] ConcatKeys = ["dim", "keys", "items_per_file", "data_vars"];
    public static readonly string[] MergeKeys = ["dim", "keys"];
    public static readonly string[] GribKeys = ["filter"];
    public static readonly string[] NetCdfKeys = ["sub_groups"];
    public static readonly string[] FetchKeys = ["concurrency", "retries", "timeout", "deadline", "min_rate", "max_size", "max_redirects", "auth", "query_secrets"];
    public static readonly string[] AuthKeys = ["bearer_env", "basic", "netrc"];
    public static readonly string[] BasicKeys = ["username_env", "password_env"];
    public static readonly string[] RunKeys = ["max_memory", "workers", "strategy", "scratch", "fsync"];
    public static readonly string[] Formats = ["auto", "netcdf3", "netcdf4", "hdf5", "grib"];

    public static Recipe Parse(string file, byte[] bytes, TimeProvider? clock = null)
    {
        var ctx = new YamlContext(file, clock);
        var root = YamlLoading.LoadRoot(ctx, bytes);
        var top = root is null ? null : ctx.Map(root, "", TopKeys);
        if (top is null) throw ctx.ToException();

        var version = ParseVersion(ctx, top);
        var id = ParseId(ctx, top.Required("id"), "id");
        var title = ctx.Text(NotNull(top.Get("title")), "title");
        var description = ctx.Text(NotNull(top.Get("description")), "description");
        var inputs = top.Required("inputs") is { } inputsNode ? ParseInputs(ctx, inputsNode) : null;
        var transforms = TransformParser.Parse(ctx, top.Get("transforms"));
        var target = TargetParser.Parse(ctx, top.Get("target"), id ?? "recipe");
        var run = ParseRun(ctx, top.Get("run"));

        if (ctx.HasErrors || version is null || id is null || inputs is null || transforms is null || target is null || run is null)
            throw ctx.ToException();

        return new Recipe(version.Value, id, title, description, inputs, transforms.Value, target, run,
            file, Convert.ToHexStringLower(SHA256.HashData(bytes)), ctx.Locations.ToImmutable());
    }

    /// <summary>Recipe and feedstock ids: a lowercase letter then up to 62 of [-_0-9a-z].</summary>
    [GeneratedRegex("^[a-z][-_0-9a-z]{0,62}$")]
    public static partial Regex IdPattern();

    public static string? ParseId(YamlContext ctx, YamlNode? node, string path)
    {
        var id = ctx.Text(node, path);
        if (id is null || IdPattern().IsMatch(id)) return id;
        ctx.Error(node!, $"invalid id '{(id.Length > 70 ? id[..70] + "..." : id)}': an id is a lowercase letter followed by up to 62 lowercase letters, digits, '-' or '_' (^[a-z][-_0-9a-z]{{0,62}}$)");
        return null;
    }

    // Optional scalar keys written with no value read as absent.
    private static YamlNode? NotNull(YamlNode? node) => YamlContext.IsNull(node) ? null : node;

    private static int? ParseVersion(YamlContext ctx, MapReader top)
    {
        var node = top.Required("forge");
        var version = ctx.Int(node, "forge", 0, int.MaxValue);
        if (version is null or Recipe.CurrentFormatVersion) return version;
        ctx.Error(node!, $"unsupported recipe format version {version}; this Forge reads 'forge: {Recipe.CurrentFormatVersion}'");
        return null;
    }

    private static InputsSpec? ParseInputs(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs", InputsKeys);
        if (map is null) return null;

        var urlNode = map.Required("url");
        var url = ctx.Text(urlNode, "inputs.url");
        UrlTemplate? template = null;
        if (url is not null)
        {
            if (Secrets.HasUserInfo(url))
                ctx.Error(urlNode!, "'inputs.url' contains credentials (user:password@); use 'inputs.fetch.auth' with environment variables instead");
            else if (Secrets.SecretQueryParameter(url) is { } parameter)
                ctx.Error(urlNode!, $"'inputs.url' writes the secret query parameter '{parameter}' literally; use 'inputs.fetch.query_secrets: {{ {parameter}: ENV_VAR }}' instead");
            else if (!UrlTemplate.TryParse(url, out template, out var error))
                ctx.ErrorInScalar((YamlScalarNode)urlNode!, error.Offset, error.Message);
        }

        var concat = map.Required("concat") is { } concatNode ? ParseConcat(ctx, concatNode) : null;
        var mergeNode = map.Get("merge");
        var merge = mergeNode is null ? null : ParseMerge(ctx, mergeNode);
        if (merge is not null && concat is not null && merge.Dim == concat.Dim)
        {
            ctx.Error(mergeNode!, $"the merge dim '{merge.Dim}' must differ from the concat dim");
            merge = null;
        }

        var format = InputFormat.Auto;
        if (map.Get("format") is { } formatNode && ctx.Text(formatNode, "inputs.format") is { } formatText)
        {
            var index = Array.IndexOf(Formats, formatText);
            if (index < 0) ctx.Error(formatNode, $"unknown input format '{formatText}'; allowed: {string.Join(", ", Formats)}");
            else format = (InputFormat)index;
        }

        GribFilter? grib = null;
        if (map.Entry("grib") is { } gribEntry)
        {
            grib = ParseGrib(ctx, gribEntry.Value);
            if (format is InputFormat.NetCdf3 or InputFormat.NetCdf4 or InputFormat.Hdf5)
                ctx.Error(gribEntry.KeyNode, $"'inputs.grib' applies only to grib inputs, but 'inputs.format' is {Formats[(int)format]}");
        }

        var netcdf = NetCdfOptions.Default;
        if (map.Entry("netcdf") is { } netcdfEntry)
        {
            netcdf = ParseNetCdf(ctx, netcdfEntry.Value);
            if (format is InputFormat.Grib)
                ctx.Error(netcdfEntry.KeyNode, "'inputs.netcdf' applies only to NetCDF/HDF5 inputs, but 'inputs.format' is grib");
        }

        var fetch = map.Get("fetch") is { } fetchNode ? ParseFetch(ctx, fetchNode) : FetchSpec.Default;
        var cache = map.Get("cache") is { } cacheNode ? ParseStoreUrl(ctx, cacheNode, "inputs.cache", "the input cache") : null;

        if (template is not null && concat is not null) CheckPlaceholders(ctx, (YamlScalarNode)urlNode!, template, concat, merge, map.Has("merge"));

        return url is null || template is null || concat is null || fetch is null ? null
            : new InputsSpec(url, concat, merge, format, grib, fetch, cache) { NetCdf = netcdf };
    }

    private static ConcatSpec? ParseConcat(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs.concat", ConcatKeys);
        if (map is null) return null;
        var dim = ParseDimName(ctx, map.Required("dim"), "inputs.concat.dim");
        var keys = map.Required("keys") is { } keysNode ? KeyParser.ParseKeys(ctx, keysNode, "inputs.concat.keys") : null;
        var itemsPerFile = ctx.Int(map.Get("items_per_file"), "inputs.concat.items_per_file", 1, int.MaxValue);
        if (map.Has("items_per_file") && itemsPerFile is null) return null;
        var dataVars = DataVariables.All;
        if (map.Get("data_vars") is { } dataVarsNode && ctx.Text(dataVarsNode, "inputs.concat.data_vars") is { } rule)
        {
            if (ConcatSpec.DataVariablesNames.TryGetValue(rule, out var parsed)) dataVars = parsed;
            else ctx.Error(dataVarsNode, $"'inputs.concat.data_vars' must be one of {string.Join(", ", ConcatSpec.DataVariablesNames.Keys)} (xarray's data_vars), found '{rule}'");
        }

        return dim is null || keys is null ? null : new ConcatSpec(dim, keys.Value.Keys, keys.Value.Range, itemsPerFile) { DataVars = dataVars };
    }

    private static MergeSpec? ParseMerge(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs.merge", MergeKeys);
        if (map is null) return null;
        var dim = ParseDimName(ctx, map.Required("dim"), "inputs.merge.dim");
        var keysNode = map.Required("keys");
        if (keysNode is null) return null;
        if (keysNode is not YamlSequenceNode)
        {
            ctx.Error(keysNode, "'inputs.merge.keys' must be a non-empty list, e.g. [tmax, tmin, ppt]");
            return null;
        }

        var keys = ctx.Names(keysNode, "inputs.merge.keys");
        return dim is null || keys is null ? null : new MergeSpec(dim, keys.Value);
    }

    private static string? ParseDimName(YamlContext ctx, YamlNode? node, string path)
    {
        var dim = ctx.Text(node, path);
        if (dim is null || DimPattern().IsMatch(dim)) return dim;
        ctx.Error(node!, $"'{path}' must be a placeholder name (letters, digits, _), found '{dim}'");
        return null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex DimPattern();

    private static void CheckPlaceholders(YamlContext ctx, YamlScalarNode urlNode, UrlTemplate template, ConcatSpec concat, MergeSpec? merge, bool mergeWritten)
    {
        foreach (var placeholder in template.Placeholders)
        {
            if (placeholder.Name == concat.Dim)
            {
                if (PlaceholderFormat.Validate(placeholder.Name, placeholder.Format, concat.Keys[0]) is { } error)
                    ctx.ErrorInScalar(urlNode, placeholder.Offset + placeholder.Name.Length + 2 + error.Offset, error.Message);
            }
            else if (merge is not null && placeholder.Name == merge.Dim)
            {
                if (placeholder.Format is not null)
                    ctx.ErrorInScalar(urlNode, placeholder.Offset, $"placeholder {{{merge.Dim}}} has string keys and takes no format");
            }
            else if (!(mergeWritten && merge is null))
            {
                var allowed = merge is null ? $"the concat dim {{{concat.Dim}}}" : $"the concat dim {{{concat.Dim}}} or the merge dim {{{merge.Dim}}}";
                ctx.ErrorInScalar(urlNode, placeholder.Offset, $"unknown placeholder {{{placeholder.Name}}} in url; placeholders must be {allowed}");
            }
        }

        if (concat.Keys.Length > 1 && template.Placeholders.All(p => p.Name != concat.Dim))
            ctx.Error(urlNode, $"'inputs.url' has no {{{concat.Dim}}} placeholder, so every concat key would fetch the same file");
        if (merge is { Keys.Length: > 1 } && template.Placeholders.All(p => p.Name != merge.Dim))
            ctx.Error(urlNode, $"'inputs.url' has no {{{merge.Dim}}} placeholder, so every merge key would fetch the same file");
    }

    private static GribFilter? ParseGrib(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs.grib", GribKeys);
        if (map?.Required("filter") is not { } filterNode) return null;
        var filter = ctx.Map(filterNode, "inputs.grib.filter", allowed: null);
        if (filter is null) return null;
        var result = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.Ordinal);
        var ok = true;
        foreach (var entry in filter.Entries)
        {
            var values = entry.Value is YamlSequenceNode ? ctx.Names(entry.Value, filter.Child(entry.Key)) : ctx.Text(entry.Value, filter.Child(entry.Key)) is { } one ? [one] : null;
            if (values is null) { ok = false; continue; }
            result[entry.Key] = values.Value;
        }

        if (ok && result.Count == 0) { ctx.Error(filterNode, "'inputs.grib.filter' is empty; give at least one ecCodes key"); ok = false; }
        return ok ? new GribFilter(result.ToImmutable()) : null;
    }

    private static NetCdfOptions ParseNetCdf(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs.netcdf", NetCdfKeys);
        var result = NetCdfOptions.Default;
        if (map?.Get("sub_groups") is { } subGroupsNode && ctx.Text(subGroupsNode, "inputs.netcdf.sub_groups") is { } name)
        {
            if (NetCdfOptions.SubGroupNames.TryGetValue(name, out var subGroups)) result = result with { SubGroups = subGroups };
            else ctx.Error(subGroupsNode, $"'inputs.netcdf.sub_groups' must be one of {string.Join(", ", NetCdfOptions.SubGroupNames.Keys)}, found '{name}'");
        }

        return result;
    }

    private static FetchSpec? ParseFetch(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs.fetch", FetchKeys);
        if (map is null) return null;
        var concurrency = ctx.Int(map.Get("concurrency"), "inputs.fetch.concurrency", 1, 1024);
        var retries = ctx.Int(map.Get("retries"), "inputs.fetch.retries", 0, 100);
        var timeout = ctx.Duration(map.Get("timeout"), "inputs.fetch.timeout");
        var deadline = ctx.Duration(map.Get("deadline"), "inputs.fetch.deadline");
        var minRate = map.Get("min_rate") is { } rateNode ? ParseRate(ctx, rateNode) : null;
        var maxSize = ctx.Size(map.Get("max_size"), "inputs.fetch.max_size");
        var maxRedirects = ctx.Int(map.Get("max_redirects"), "inputs.fetch.max_redirects", 0, 100);
        var auth = map.Get("auth") is { } authNode ? ParseAuth(ctx, authNode) : null;
        var querySecrets = ImmutableDictionary<string, string>.Empty;
        if (map.Get("query_secrets") is { } secretsNode)
        {
            var secrets = ctx.Map(secretsNode, "inputs.fetch.query_secrets", allowed: null);
            var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var entry in secrets?.Entries ?? [])
            {
                if (ctx.EnvName(entry.Value, secrets!.Child(entry.Key)) is { } env) builder[entry.Key] = env;
            }

            querySecrets = builder.ToImmutable();
        }

        return new FetchSpec(concurrency ?? FetchSpec.DefaultConcurrency, retries ?? FetchSpec.DefaultRetries,
            timeout ?? FetchSpec.DefaultTimeout, auth, querySecrets)
        {
            Deadline = deadline,
            MinRate = minRate,
            MaxSize = maxSize,
            MaxRedirects = maxRedirects ?? FetchSpec.DefaultMaxRedirects,
        };
    }

    // A rate is a size per second: "1KiB/s", "500kB/s", or a size alone (per second implied); "0" turns the floor off.
    private static long? ParseRate(YamlContext ctx, YamlNode node)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            var size = text.Trim();
            if (size.EndsWith("/s", StringComparison.Ordinal)) size = size[..^2].TrimEnd();
            if (size == "0") return 0;
            if (Units.TryParseSize(size, out var bytes) && bytes >= 0) return bytes;
        }

        ctx.Error(node, "'inputs.fetch.min_rate' must be a rate such as 1KiB/s, 100kB/s or 0 (no floor)");
        return null;
    }

    private static AuthSpec? ParseAuth(YamlContext ctx, YamlNode node)
    {
        var map = ctx.Map(node, "inputs.fetch.auth", AuthKeys, Secrets.AuthKeys);
        if (map is null) return null;
        var netrc = ctx.Bool(map.Get("netrc"), "inputs.fetch.auth.netrc");
        var methods = map.Entries.Where(e => e.Key != "netrc" || netrc == true).ToList();
        if (methods.Count > 1)
        {
            ctx.Error(methods[1].KeyNode, $"'inputs.fetch.auth' takes one method, found {string.Join(" and ", methods.Select(m => m.Key))}");
            return null;
        }

        switch (methods.FirstOrDefault()?.Key)
        {
            case "bearer_env":
                return ctx.EnvName(map.Get("bearer_env"), "inputs.fetch.auth.bearer_env") is { } token ? new BearerAuth(token) : null;
            case "basic":
                var basic = ctx.Map(map.Get("basic"), "inputs.fetch.auth.basic", BasicKeys, Secrets.BasicKeys);
                if (basic is null) return null;
                var user = ctx.EnvName(basic.Required("username_env"), "inputs.fetch.auth.basic.username_env");
                var password = ctx.EnvName(basic.Required("password_env"), "inputs.fetch.auth.basic.password_env");
                return user is null || password is null ? null : new BasicAuth(user, password);
            case "netrc":
                return new NetrcAuth();
            default:
                return null;
        }
    }

    /// <summary>A local path, <c>file://</c> URL or <c>s3://bucket[/prefix]</c> (targets and the input cache).</summary>
    public static string? ParseStoreUrl(YamlContext ctx, YamlNode node, string path, string what)
    {
        var url = ctx.Text(node, path);
        if (url is null) return null;
        if (Secrets.HasUserInfo(url))
        {
            ctx.Error(node, $"{YamlContext.Describe(path)} contains credentials (user:password@); S3 credentials come from the standard AWS chain");
            return null;
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return url;
        if (url.StartsWith("file://", StringComparison.Ordinal) && url.Length > "file://".Length) return url;
        if (url.StartsWith("s3://", StringComparison.Ordinal) && url.Length > "s3://".Length && url[5] != '/')
        {
            var normalized = Forge.Core.Storage.StoreUrl.Normalize(url, out var problem);
            if (normalized is not null) return normalized;
            ctx.Error(node, $"{YamlContext.Describe(path)} '{url}' is refused: {problem}");
            return null;
        }

        ctx.Error(node, $"{what} must be a local path, a file:// URL or s3://bucket/prefix, found '{url}'");
        return null;
    }

    private static RunSpec? ParseRun(YamlContext ctx, YamlNode? node)
    {
        if (node is null) return RunSpec.Default;
        var map = ctx.Map(node, "run", RunKeys);
        if (map is null) return null;
        var maxMemory = ctx.Size(map.Get("max_memory"), "run.max_memory");
        int? workers = null;
        if (map.Get("workers") is { } workersNode && !(workersNode is YamlScalarNode { Value: "auto" }))
        {
            if (workersNode is not YamlScalarNode { Value: { } text } || !YamlContext.IntegerPattern().IsMatch(text))
            {
                ctx.Error(workersNode, "'run.workers' must be 'auto' or an integer from 1 to 4096");
                return null;
            }

            workers = ctx.Int(workersNode, "run.workers", 1, 4096);
            if (workers is null) return null;
        }

        Core.Planning.RechunkStrategy? strategy = null;
        if (map.Get("strategy") is { } strategyNode)
        {
            var name = ctx.Text(strategyNode, "run.strategy");
            if (name is null) return null;
            if (!RunSpec.StrategyNames.TryGetValue(name, out strategy))
            {
                ctx.Error(strategyNode, $"'run.strategy' must be one of {string.Join(", ", RunSpec.StrategyNames.Keys)}, found '{name}'");
                return null;
            }
        }

        string? scratch = null;
        if (map.Get("scratch") is { } scratchNode)
        {
            scratch = ctx.Text(scratchNode, "run.scratch");
            if (scratch is null) return null;
            if (scratch.Contains("://", StringComparison.Ordinal) && !scratch.StartsWith("file://", StringComparison.Ordinal))
            {
                ctx.Error(scratchNode, $"'run.scratch' must be a local folder (scratch is local disk), found '{scratch}'");
                return null;
            }

            if (scratch.StartsWith("file://", StringComparison.Ordinal)) scratch = scratch["file://".Length..];
            if (scratch.Length == 0)
            {
                ctx.Error(scratchNode, "'run.scratch' must not be empty");
                return null;
            }
        }

        bool? fsync = null;
        if (map.Get("fsync") is { } fsyncNode)
        {
            fsync = ctx.Bool(fsyncNode, "run.fsync");
            if (fsync is null) return null;
        }

        return new RunSpec(maxMemory ?? RunSpec.DefaultMaxMemory, workers) { Strategy = strategy, Scratch = scratch, Fsync = fsync ?? true };
    }
}
