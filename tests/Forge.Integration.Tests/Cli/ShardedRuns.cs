using System.Globalization;
using System.Text.Json.Nodes;

namespace Forge.Integration.Tests.Cli;

/// <summary>What the sharded-run, verify and Slurm tests share: a local daily recipe, store comparison, a live lease holder.</summary>
internal static class ShardedRuns
{
    /// <summary>A recipe over local copies of the first <paramref name="days"/> daily inputs (v2 or v3), small chunks so there are many objects.</summary>
    public static string LocalDailyRecipe(string workDir, IEnumerable<string> dailyFiles, int days, int zarrFormat, string id = "sharded", string chunks = "{ time: 3, lat: 18, lon: 36 }")
    {
        var dir = Path.Combine(workDir, "inputs");
        Directory.CreateDirectory(dir);
        foreach (var f in dailyFiles.Take(days)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        var end = new DateOnly(1981, 9, 1).AddDays(days - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return RecipeFiles.Write(workDir, id, $$"""
            forge: 1
            id: {{id}}
            inputs:
              url: "{{dir}}/oisst-avhrr-v02r01.{time:%Y%m%d}.nc"
              concat:
                dim: time
                keys:
                  range: { start: 1981-09-01, end: {{end}}, step: 1 day }
            transforms:
              - squeeze: [zlev]
            target:
              zarr_format: {{zarrFormat}}
              chunks: {{chunks}}
            """);
    }

    /// <summary>
    /// Every file outside <c>.forge/</c> (chunks and metadata) exists in both stores with the same bytes: sharded or
    /// resumed runs must give the store a single uninterrupted process gives.
    /// </summary>
    public static void AssertSameStoreFiles(string expected, string actual)
    {
        static string[] Data(string root) => [.. CliWork.Files(root).Where(f => !f.StartsWith(".forge/", StringComparison.Ordinal))];
        var a = Data(expected);
        var b = Data(actual);
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
        foreach (var f in a)
            Assert.True(File.ReadAllBytes(Path.Combine(expected, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, f))), $"{f} differs between {expected} and {actual}");
    }

    /// <summary>Writes the lease a live forge run on this machine would hold, naming <paramref name="holder"/> (a live process).</summary>
    public static void WriteLease(string store, string key, System.Diagnostics.Process holder, string purpose)
    {
        var path = Path.Combine(store, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, new JsonObject
        {
            ["owner"] = "other-run",
            ["host"] = Environment.MachineName,
            ["pid"] = holder.Id,
            ["process_started"] = holder.StartTime.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["purpose"] = purpose,
            ["started"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["renewed"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        }.ToJsonString());
    }
}
