using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// <c>--cache DIR</c> keeps the fetched inputs; once the server no longer has them, <c>--offline</c> runs from the
/// cache alone. With an empty cache, <c>--offline</c> is exit 1 naming the missing URL, and fetches nothing.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class OfflineCacheTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-offline-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Offline_run_succeeds_from_the_cache_after_the_server_lost_the_files()
    {
        var files = inputs.Files.DailyFiles.Take(6).ToArray();
        var dir = CliWork.ServedFolder(inputs, "offline", files);
        var recipe = CliWork.DailyRecipe(_work, inputs, "offline", "offline", "1981-09-06");
        var cache = Path.Combine(_work, "cache");
        var online = Path.Combine(_work, "online.zarr");
        var first = await ForgeCli.RunAsync("run", recipe, "--target", online, "--cache", cache, "--progress", "json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var cached = CliWork.Files(cache);
        Assert.True(cached.Length >= files.Length, $"the cache holds {cached.Length} files: {string.Join(", ", cached)}");
        var cachedBytes = Directory.GetFiles(cache, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(cachedBytes >= files.Sum(f => new FileInfo(f).Length), $"the cache holds only {cachedBytes} bytes");

        // The server loses the files: an online run now fails with 404 ...
        Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        var broken = await ForgeCli.RunAsync("run", recipe, "--target", Path.Combine(_work, "broken.zarr"), "--progress", "none");
        Assert.True(broken.ExitCode == 1, broken.Stderr);
        Assert.Contains("404", broken.Stderr, StringComparison.Ordinal);

        // ... while an offline run from the cache succeeds, with the same values.
        var offline = Path.Combine(_work, "offline.zarr");
        var second = await ForgeCli.RunAsync("run", recipe, "--target", offline, "--cache", cache, "--offline", "--overwrite", "--progress", "json");
        Assert.True(second.ExitCode == 0, second.Stderr);
        var inputEvents = CliWork.JsonLines(second.Stdout).Where(l => l["event"]!.GetValue<string>() == "input").ToList();
        Assert.Equal(files.Length, inputEvents.Count);
        Assert.All(inputEvents, e => Assert.True(e["cached"]!.GetValue<bool>(), e.ToJsonString()));
        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(online), StoreLocator.Open(offline));
    }

    [Fact]
    public async Task Offline_with_an_empty_cache_is_exit_1_naming_the_missing_url()
    {
        var recipe = CliWork.DailyRecipe(_work, inputs, "offline-empty", "daily", "1981-09-03");
        var cache = Path.Combine(_work, "empty-cache");
        Directory.CreateDirectory(cache);
        var target = Path.Combine(_work, "never.zarr");
        var (code, _, stderr) = await ForgeCli.RunAsync("run", recipe, "--target", target, "--cache", cache, "--offline", "--progress", "none");
        Assert.True(code == 1, $"exit {code}\n{stderr}");
        Assert.Contains($"{inputs.Server.BaseUrl}/daily/oisst-avhrr-v02r01.1981090", stderr, StringComparison.Ordinal);
        Assert.Contains("offline", stderr, StringComparison.OrdinalIgnoreCase);
        CliWork.AssertNothingWritten(cache);
        Assert.False(File.Exists(Path.Combine(target, "zarr.json")));
    }
}
