using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>Helpers the CLI scenario tests share: a temp folder per test, served copies of inputs, JSON progress lines.</summary>
internal static class CliWork
{
    /// <summary>A served folder (under the fixture's root) holding copies of the given inputs.</summary>
    public static string ServedFolder(ServedInputs inputs, string name, IEnumerable<string> files)
    {
        var dir = Path.Combine(inputs.Files.Root, name);
        Directory.CreateDirectory(dir);
        foreach (var f in files) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        return dir;
    }

    /// <summary>A daily recipe over a served folder (v2 or v3), ending on the given day, with extra YAML blocks.</summary>
    public static string DailyRecipe(string workDir, ServedInputs inputs, string id, string folder, string end, int zarrFormat = 3, string transforms = "", string target = "", string inputExtra = "", string chunks = "{ time: 4, lat: 18, lon: 36 }") =>
        RecipeFiles.Write(workDir, id, $$"""
            forge: 1
            id: {{id}}
            inputs:
              url: "{{inputs.Server.BaseUrl}}/{{folder}}/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: {{end}}, step: 1 day }
              fetch: { retries: 0, timeout: 20s }
            {{inputExtra}}
            transforms:
              - squeeze: [zlev]
            {{transforms}}
            target:
              zarr_format: {{zarrFormat}}
              chunks: {{chunks}}
            {{target}}
            """);

    /// <summary>The JSON objects of a <c>--progress json</c> stdout.</summary>
    public static List<JsonNode> JsonLines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];

    /// <summary>The final summary event of a <c>--progress json</c> stdout.</summary>
    public static JsonNode Summary(string stdout)
    {
        var last = JsonLines(stdout)[^1];
        Assert.Equal("summary", last["event"]!.GetValue<string>());
        return last;
    }

    /// <summary>Every file below a folder, as '/'-separated relative paths, sorted.</summary>
    public static string[] Files(string root) =>
        Directory.Exists(root)
            ? [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Checks a command wrote nothing: the folder is absent or empty.</summary>
    public static void AssertNothingWritten(string dir) =>
        Assert.True(Files(dir).Length == 0, $"nothing may be written to {dir}, found: {string.Join(", ", Files(dir))}");

    public static string PeerScript(string name) => Repo.PathOf("tests", "Forge.Integration.Tests", "Cli", "peers", name);

    public static string TempDir(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;

    public static void Delete(string dir)
    {
        try { Directory.Delete(dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
