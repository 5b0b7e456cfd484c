using System.CommandLine;
using System.Text.Json.Nodes;
using Forge.Cli.Hosting;
using Forge.Core.Planning;

namespace Forge.Cli.Commands;

/// <summary>
/// <c>forge config [feedstock]</c>: the effective settings and where each came from (flag, FORGE_* variable,
/// forge.json/forge.yaml, default), so a surprising target or memory bound can be traced to its source.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create(CommandContext ctx)
    {
        var path = new Argument<string?>("path") { Description = "A recipe file or feedstock folder whose forge.yaml/forge.json to include.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the settings as one JSON document." };
        var cmd = new Command("config", "Show the effective settings (file < FORGE_* environment < flags) and where each came from.") { path, json };
        foreach (var key in new[] { SettingKeys.Target, SettingKeys.Cache, SettingKeys.MaxMemory, SettingKeys.Workers, SettingKeys.Progress })
            cmd.Options.Add(new Option<string?>(key.Flag) { Description = $"Same as on `forge run`: {key.Description}." });
        cmd.SetAction((parse, _) =>
        {
            var s = ctx.Settings;
            var values = new (SettingKeys.Key Key, JsonNode? Value, string Text)[]
            {
                (SettingKeys.Target, s.Target, s.Target ?? "(the recipe's target.url)"),
                (SettingKeys.Cache, s.Cache, s.Cache ?? "(the recipe's inputs.cache)"),
                (SettingKeys.MaxMemory, s.MaxMemory, s.MaxMemory is { } m ? Sizes.Format(m) : "(the recipe's run.max_memory)"),
                (SettingKeys.Workers, s.Workers, s.Workers?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(the recipe's run.workers)"),
                (SettingKeys.Progress, s.Progress, s.Progress),
                (SettingKeys.LogLevel, s.LogLevel.ToString().ToLowerInvariant(), s.LogLevel.ToString().ToLowerInvariant()),
                (SettingKeys.LogFile, s.LogFile, s.LogFile ?? "(none)"),
            };
            if (parse.GetValue(json))
            {
                var doc = new JsonObject();
                foreach (var (key, value, _) in values)
                    doc[key.Name] = new JsonObject { ["value"] = value?.DeepClone(), ["source"] = s.Sources.GetValueOrDefault(key.Name, "default") };
                ctx.Stdout.WriteLine(doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                foreach (var (key, _, text) in values)
                    ctx.Stdout.WriteLine($"{key.Name,-11} {text,-32} from {s.Sources.GetValueOrDefault(key.Name, "default")}");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return cmd;
    }
}
