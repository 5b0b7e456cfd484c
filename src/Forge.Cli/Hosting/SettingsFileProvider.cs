using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Forge.Cli.Hosting;

/// <summary>
/// forge.yaml or forge.json: a flat mapping of setting keys (target, cache, max_memory, workers, progress, log_level,
/// log_file) to scalars. JSON is read by the same YAML parser (JSON is YAML), so errors carry line:column either way.
/// </summary>
internal sealed class SettingsFileSource(string path) : IConfigurationSource
{
    public string Path { get; } = path;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new SettingsFileProvider(Path);
}

/// <summary>Loads <see cref="SettingsFileSource"/>; an unknown key or a non-scalar value is a usage error naming file:line:column.</summary>
internal sealed class SettingsFileProvider(string path) : ConfigurationProvider
{
    public string Path { get; } = path;

    public override void Load()
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(Path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new UsageException($"{Path}:{e.Start.Line}:{e.Start.Column}: not valid {(Path.EndsWith(".json", StringComparison.Ordinal) ? "JSON" : "YAML")}: {e.InnerException?.Message ?? e.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" }) return;
        if (stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new UsageException($"{Path}:1:1: expected a mapping of settings such as 'target: ./out.zarr'");
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var key = SettingKeys.ByName(name)
                      ?? throw new UsageException($"{Path}:{k.Start.Line}:{k.Start.Column}: unknown setting '{name}'{DidYouMean.Hint(name, [.. SettingKeys.All.Select(s => s.Name)])}");
            if (v is not YamlScalarNode scalar)
                throw new UsageException($"{Path}:{v.Start.Line}:{v.Start.Column}: '{name}' must be a single value");
            Data[key.Name] = scalar.Value;
        }
    }

    public override string ToString() => Path;
}
