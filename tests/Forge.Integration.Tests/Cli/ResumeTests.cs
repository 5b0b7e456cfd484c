using System.Globalization;
using Forge.Core.Storage;
using Forge.Integration.Tests.Infrastructure;
using Forge.Storage.S3;

namespace Forge.Integration.Tests.Cli;

/// <summary>
/// A data failure: one input has a valid header but a corrupt deflated sst chunk. The run fails (exit 1) naming that
/// file, publishes no metadata and keeps finished objects; with the good file back under the same URL, a plain rerun
/// reports the changed input (objects from its old bytes may be in the store) and --overwrite rebuilds a store equal
/// to a fresh full run (Forge readers) and the inputs (xarray). Resume proper is covered by the cancellation/kill tests.
/// </summary>
[Collection(ServedInputsCollection.Name)]
public sealed class ResumeTests(ServedInputs inputs) : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-resume-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Corrupt_data_chunk_fails_then_the_fixed_input_is_reported_and_overwrite_rebuilds_the_same_store()
    {
        var files = inputs.Files.DailyFiles.Take(12).ToArray();
        var dir = CliWork.ServedFolder(inputs, "resume", files);
        var victim = Path.Combine(dir, "oisst-avhrr-v02r01.19810912.nc");
        CorruptFirstChunk(victim, "sst");

        // netCDF-C agrees: the header reads, the sst data does not.
        Processes.Check("ncdump", "-h", victim);
        Assert.NotEqual(0, Processes.Run("ncdump", ["-v", "sst", victim]).ExitCode);
        Assert.Equal(0, Processes.Run("ncdump", ["-v", "anom", victim]).ExitCode);

        var recipe = CliWork.DailyRecipe(_work, inputs, "resume", "resume", "1981-09-12", zarrFormat: 2);
        var store = Path.Combine(_work, "resume.zarr");
        var failed = await ForgeCli.RunAsync("run", recipe, "--target", store, "--workers", "1", "--progress", "json");
        Assert.True(failed.ExitCode == 1, $"a corrupt sst chunk must fail the run (exit {failed.ExitCode}):\n{failed.Stderr}");
        Assert.Contains("oisst-avhrr-v02r01.19810912.nc", failed.Stderr, StringComparison.Ordinal);
        Assert.Contains("variable 'sst'", failed.Stderr, StringComparison.Ordinal);
        Assert.Equal("failed", CliWork.Summary(failed.Stdout)["status"]!.GetValue<string>());
        Assert.False(File.Exists(Path.Combine(store, ".zmetadata")), "no consolidated metadata after a failed run");
        Assert.False(File.Exists(Path.Combine(store, ".zgroup")), "no root group after a failed run");
        Assert.False(File.Exists(Path.Combine(store, "sst", ".zarray")), "no array metadata after a failed run");
        var done = CliWork.Files(Path.Combine(store, ".forge", "done"));
        Assert.NotEmpty(done);

        // The provider fixes the file under the same URL. Objects written from its old bytes (its good variables)
        // may be in the store, so a plain rerun must not mix old and new bytes (issue #9): it names the input.
        File.Copy(files[^1], victim, overwrite: true);
        var refused = await ForgeCli.RunAsync("run", recipe, "--target", store, "--progress", "json");
        Assert.True(refused.ExitCode == 1, $"exit {refused.ExitCode}\n{refused.Stderr}");
        Assert.Contains("oisst-avhrr-v02r01.19810912.nc changed since it was written", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--overwrite", refused.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(store, ".zmetadata")), "a refused rerun publishes nothing");

        var rebuilt = await ForgeCli.RunAsync("run", recipe, "--target", store, "--overwrite", "--progress", "json");
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);

        var fresh = Path.Combine(_work, "fresh.zarr");
        var full = await ForgeCli.RunAsync("run", recipe, "--target", fresh, "--progress", "json");
        Assert.True(full.ExitCode == 0, full.Stderr);

        await StoreComparison.AssertSameArraysAsync(StoreLocator.Open(fresh), StoreLocator.Open(store));
        Assert.Equal(CliWork.Files(fresh).Where(f => !f.StartsWith(".forge/", StringComparison.Ordinal)),
                     CliWork.Files(store).Where(f => !f.StartsWith(".forge/", StringComparison.Ordinal)));
        var (code, stdout, stderr) = Processes.Run(Processes.Python,
            [Path.Combine(AppContext.BaseDirectory, "peers", "compare_xarray.py"), store, "time", "--squeeze", "zlev", "--", .. files]);
        Assert.True(code == 0, $"xarray comparison failed:\n{stdout}\n{stderr}");
    }

    /// <summary>Flips bytes in the middle of a variable's first stored (deflated) chunk; the header stays intact.</summary>
    private static void CorruptFirstChunk(string file, string variable)
    {
        var location = Processes.Check(Processes.Python, CliWork.PeerScript("chunk_location.py"), file, variable).Split(' ');
        var offset = long.Parse(location[0], CultureInfo.InvariantCulture);
        var size = long.Parse(location[1], CultureInfo.InvariantCulture);
        Assert.True(size > 64, $"{file}: chunk of {variable} is only {size} bytes");
        using var fs = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        var buffer = new byte[16];
        fs.Position = offset + size / 2;
        fs.ReadExactly(buffer);
        for (var i = 0; i < buffer.Length; i++) buffer[i] ^= 0x5A;
        fs.Position = offset + size / 2;
        fs.Write(buffer);
    }
}
