using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// <c>forge verify</c> (issue #9): a store written by <c>forge run</c> verifies (exit 0, with and without re-reading
/// inputs); a deleted chunk, a flipped byte in a chunk and an input changed under its URL (with <c>--sample</c>) are
/// each exit 1 naming the object key, or the input URL and variable. Verify never writes to the target.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class VerifyTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-verify-");

    public void Dispose() => CliWork.Delete(_work);

    private async Task<(string Recipe, string Store)> WriteAsync(int zarrFormat)
    {
        var recipe = ShardedRuns.LocalDailyRecipe(_work, inputs.Files.DailyFiles, 10, zarrFormat, id: "verified");
        var store = Path.Combine(_work, $"v{zarrFormat}.zarr");
        var run = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "none");
        Assert.True(run.ExitCode == 0, run.Stderr);
        return (recipe, store);
    }

    private static async Task<string> VerifyFailsAsync(params string[] args)
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync(["verify", .. args]);
        Assert.True(code == 1, $"verify must find the mismatch: exit {code}\n{stderr}");
        Assert.Equal("", stdout);
        return stderr;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_store_as_written_verifies_and_verify_writes_nothing(int zarrFormat)
    {
        var (recipe, store) = await WriteAsync(zarrFormat);
        var before = CliWork.Files(store).Select(f => (f, File.GetLastWriteTimeUtc(Path.Combine(store, f)))).ToArray();
        var quick = await ForgeCli.RunAsync("verify", recipe, "--target", store);
        Assert.True(quick.ExitCode == 0, quick.Stderr);
        Assert.Contains("is OK", quick.Stderr, StringComparison.Ordinal);
        var full = await ForgeCli.RunAsync("verify", recipe, "--target", store, "--sample", "all");
        Assert.True(full.ExitCode == 0, full.Stderr);
        Assert.Contains("10 inputs re-read", full.Stderr, StringComparison.Ordinal);
        var three = await ForgeCli.RunAsync("verify", recipe, "--target", store, "--sample", "3");
        Assert.True(three.ExitCode == 0, three.Stderr);
        Assert.Contains("3 inputs re-read", three.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, CliWork.Files(store).Select(f => (f, File.GetLastWriteTimeUtc(Path.Combine(store, f)))).ToArray());
    }

    [Theory]
    [InlineData(2, "sst/1.0.1")]
    [InlineData(3, "sst/c/1/0/1")]
    public async Task A_deleted_chunk_is_exit_1_naming_its_key(int zarrFormat, string key)
    {
        var (recipe, store) = await WriteAsync(zarrFormat);
        File.Delete(Path.Combine(store, key));
        var stderr = await VerifyFailsAsync(recipe, "--target", store);
        Assert.Contains($"mismatch: {key}: object sst/1.0.1 is missing from the store", stderr, StringComparison.Ordinal);
        Assert.Contains("1 mismatch(es)", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "anom/2.1.0")]
    [InlineData(3, "anom/c/2/1/0")]
    public async Task A_flipped_byte_in_a_chunk_is_exit_1_naming_its_key(int zarrFormat, string key)
    {
        var (recipe, store) = await WriteAsync(zarrFormat);
        var path = Path.Combine(store, key);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01; // one bit: the codec may still decode it, the recorded CRC-32C does not match
        File.WriteAllBytes(path, bytes);
        var stderr = await VerifyFailsAsync(recipe, "--target", store);
        Assert.Contains($"mismatch: {key}: object anom/2.1.0 is not what the run stored", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_changed_under_its_url_is_exit_1_with_sample_naming_the_url_and_the_variable()
    {
        var (recipe, store) = await WriteAsync(3);
        var input = Path.Combine(_work, "inputs", "oisst-avhrr-v02r01.19810905.nc");
        // The provider re-issues one day with one sst value changed (same URL, same layout).
        var (code, stdout, stderr) = Processes.Run(Processes.Python, ["-c", """
            import sys, netCDF4
            d = netCDF4.Dataset(sys.argv[1], 'a'); v = d['sst']; v.set_auto_maskandscale(False)
            a = v[:]; a[0, 0, 3, 4] += 7; v[:] = a; d.close()
            """, input]);
        Assert.True(code == 0, stdout + stderr);

        // The store itself is intact: verify without --sample reads no input.
        var quick = await ForgeCli.RunAsync("verify", recipe, "--target", store);
        Assert.True(quick.ExitCode == 0, quick.Stderr);

        var report = await VerifyFailsAsync(recipe, "--target", store, "--sample", "all");
        Assert.Contains($"mismatch: {input}: variable 'sst': 1 of 2592 values differ from the store (first at [4, 3, 4]", report, StringComparison.Ordinal);
        Assert.Contains($"input {input} changed since it was written", report, StringComparison.Ordinal);
        Assert.DoesNotContain("variable 'anom'", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_that_differs_from_the_ledger_is_exit_1_naming_the_array()
    {
        var (recipe, store) = await WriteAsync(2);
        // What readers open: the consolidated metadata says sst has 9 steps, the run wrote 10.
        var zmetadata = Path.Combine(store, ".zmetadata");
        var doc = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(zmetadata))!;
        doc["metadata"]!["sst/.zarray"]!["shape"]![0] = 9;
        File.WriteAllText(zmetadata, doc.ToJsonString());
        var stderr = await VerifyFailsAsync(recipe, "--target", store);
        Assert.Contains("mismatch: sst: metadata differs from what the ledger recorded: 'shape' [10,36,72] recorded, [9,36,72] now", stderr, StringComparison.Ordinal);
    }
}
