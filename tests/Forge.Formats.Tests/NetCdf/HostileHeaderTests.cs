using Forge.Core.Datasets;
using Forge.Formats.NetCdf;
using Forge.Testing.Files;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>
/// Classic headers written byte by byte with what no library writes: dimension lengths whose product overflows
/// 64 bits, and names that would become store paths ('../x', '..', '.zattrs'). Each is a DataException naming the
/// file (and the variable or name), raised when the file is opened, before any store is touched.
/// </summary>
public sealed class HostileHeaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-hostile-headers-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task Huge_cdf5_dimensions_whose_product_overflows_are_a_clear_error_naming_the_file()
    {
        var path = new ClassicNetCdf(5).Dim("x", 1L << 40).Dim("y", 1L << 40).Var("big", [0, 1]).WriteTo(PathOf("huge.nc"));
        var e = await Assert.ThrowsAsync<DataException>(async () => await new DatasetOpener().OpenAsync(path, "auto"));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'big'", e.Message, StringComparison.Ordinal);
        Assert.Contains("overflows", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../x", "x", "variable name '../x' contains a path separator")]
    [InlineData("sst", "..", "dimension name '..' is '.' or '..'")]
    [InlineData(".zattrs", "x", "variable name '.zattrs' starts with '.'")]
    [InlineData("__meta", "x", "variable name '__meta' starts with '__'")]
    public async Task Names_that_cannot_be_store_paths_are_refused_naming_the_file(string variable, string dim, string expected)
    {
        var path = new ClassicNetCdf().Dim(dim, 2).Var(variable, [0], [1, 2]).WriteTo(PathOf("names.nc"));
        var e = await Assert.ThrowsAsync<DataException>(async () => await new DatasetOpener().OpenAsync(path, "auto"));
        Assert.StartsWith($"{path}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deflate_bomb_chunk_over_the_decode_budget_is_refused_before_allocating_naming_file_variable_and_budget()
    {
        // 1 MiB on disk, one zlib chunk of 1 GiB (float32 16384 x 16384), made without holding the chunk in memory.
        var path = PathOf("bomb.nc");
        var script = Path.Combine(RepoRoot(), "tests", "Forge.Integration.Tests", "Hostile", "make_deflate_bomb.py");
        using (var p = System.Diagnostics.Process.Start("/usr/bin/python3", [script, path]))
        {
            Assert.True(p!.WaitForExit(120_000) && p.ExitCode == 0, "make_deflate_bomb.py failed");
        }

        var options = NetCdfReadOptions.Default.FromMaxMemory(512L << 20);
        await using var reader = await new DatasetOpener { NetCdfOptions = options }.OpenAsync(path, "auto");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var e = await Assert.ThrowsAsync<DataException>(async () => await reader.ReadAsync("bomb", new long[] { 0, 0, 0 }, new long[] { 1, 16, 16 }, new byte[16 * 16 * 4]));
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64L << 20, "the chunk was allocated before the refusal");
        Assert.StartsWith($"{path}: variable 'bomb': one stored chunk (1 x 16384 x 16384 float32) decodes to 1 GiB", e.Message, StringComparison.Ordinal);
        Assert.Contains("256 MiB allowed for decoding (half of run.max_memory 512 MiB)", e.Message, StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Forge.sln"))) return dir.FullName;
        throw new InvalidOperationException("no Forge.sln above the test folder");
    }

    [Fact]
    public async Task A_well_formed_handmade_file_opens_and_reads()
    {
        var path = new ClassicNetCdf().Dim("x", 3).Var("v", [0], [7, 8, 9]).WriteTo(PathOf("ok.nc"));
        await using var reader = await new DatasetOpener().OpenAsync(path, "auto");
        var buffer = new byte[12];
        await reader.ReadAsync("v", new long[] { 0 }, new long[] { 3 }, buffer);
        Assert.Equal([7, 8, 9], [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(buffer)]);
    }
}
