using System.Collections;
using System.Globalization;
using Forge.Recipes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Forge.Cli.Hosting;

/// <summary>
/// Layers the configuration sources in precedence order (later wins): forge.json, forge.yaml in the working
/// directory, then in the feedstock (the recipe's folder), then FORGE_* environment variables, then flags; and
/// resolves them to validated <see cref="ForgeSettings"/>. A bad value is a usage error naming where it came from.
/// </summary>
internal static class ForgeConfiguration
{
    public static readonly string[] FileNames = ["forge.json", "forge.yaml", "forge.yml"];

    /// <param name="flags">Setting key → value, for the flags given on the command line.</param>
    /// <param name="environment">The process environment, or a substitute (tests); only FORGE_* names are read.</param>
    public static (IConfigurationRoot Root, string[] Labels) Build(string workingDirectory, string? feedstockDirectory, IDictionary environment, IReadOnlyDictionary<string, string> flags)
    {
        var builder = new ConfigurationBuilder();
        var labels = new List<string>();
        var folders = new List<string> { Path.GetFullPath(workingDirectory) };
        if (feedstockDirectory is not null && !folders.Contains(Path.GetFullPath(feedstockDirectory))) folders.Add(Path.GetFullPath(feedstockDirectory));
        foreach (var folder in folders)
        {
            foreach (var name in FileNames)
            {
                var path = Path.Combine(folder, name);
                if (!File.Exists(path)) continue;
                builder.Add(new SettingsFileSource(path));
                labels.Add(path);
            }
        }

        var env = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry e in environment)
        {
            if (e.Key is string k && e.Value is string v && SettingKeys.All.FirstOrDefault(s => s.Environment == k) is { } key) env[key.Name] = v;
        }

        builder.AddInMemoryCollection(env);
        labels.Add("environment");
        builder.AddInMemoryCollection(flags.ToDictionary(kv => kv.Key, kv => (string?)kv.Value));
        labels.Add("flags");
        return (builder.Build(), [.. labels]);
    }

    public static ForgeSettings Resolve(IConfigurationRoot root, string[] labels)
    {
        var sources = new Dictionary<string, string>();
        string? Get(SettingKeys.Key key)
        {
            var providers = root.Providers.ToArray();
            for (var i = providers.Length - 1; i >= 0; i--)
            {
                if (!providers[i].TryGet(key.Name, out var value) || value is null) continue;
                sources[key.Name] = labels[i] switch { "environment" => key.Environment, "flags" => key.Flag, var file => file };
                return value;
            }

            sources[key.Name] = "default";
            return null;
        }

        string Where(SettingKeys.Key key) => sources[key.Name] switch
        {
            var s when s == key.Flag => key.Flag,
            var s when s == key.Environment => key.Environment,
            var file => $"{file}: {key.Name}",
        };

        long? maxMemory = null;
        if (Get(SettingKeys.MaxMemory) is { } m)
            maxMemory = Units.TryParseSize(m, out var bytes) && bytes > 0 ? bytes : throw new UsageException($"{Where(SettingKeys.MaxMemory)} '{m}' is not a size such as 512MiB or 4GiB");
        int? workers = null;
        if (Get(SettingKeys.Workers) is { } w)
        {
            workers = int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"{Where(SettingKeys.Workers)} '{w}' is not a whole number");
            if (n < 1) throw new UsageException($"{Where(SettingKeys.Workers)} must be at least 1 (got {w})");
        }

        var progress = Get(SettingKeys.Progress) ?? "auto";
        if (!ProgressModes.Contains(progress))
            throw new UsageException($"{Where(SettingKeys.Progress)} '{progress}' is not one of {string.Join(", ", ProgressModes)}");
        var level = LogLevel.Warning;
        if (Get(SettingKeys.LogLevel) is { } l && !TryParseLevel(l, out level))
            throw new UsageException($"{Where(SettingKeys.LogLevel)} '{l}' is not one of trace, debug, information, warning, error, critical, none");
        var target = Get(SettingKeys.Target);
        if (target is not null) TargetUrls.Check(target, Where(SettingKeys.Target));
        return new ForgeSettings
        {
            Target = target,
            Cache = Get(SettingKeys.Cache),
            MaxMemory = maxMemory,
            Workers = workers,
            Progress = progress,
            LogLevel = level,
            LogFile = Get(SettingKeys.LogFile),
            Sources = sources,
        };
    }

    public static readonly string[] ProgressModes = ["auto", "plain", "json", "none"];

    public static readonly string[] LevelNames = ["trace", "debug", "information", "info", "warning", "warn", "error", "critical", "none"];

    public static bool TryParseLevel(string text, out LogLevel level)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "trace": level = LogLevel.Trace; return true;
            case "debug": level = LogLevel.Debug; return true;
            case "information" or "info": level = LogLevel.Information; return true;
            case "warning" or "warn": level = LogLevel.Warning; return true;
            case "error": level = LogLevel.Error; return true;
            case "critical": level = LogLevel.Critical; return true;
            case "none": level = LogLevel.None; return true;
            default: level = LogLevel.Warning; return false;
        }
    }
}
