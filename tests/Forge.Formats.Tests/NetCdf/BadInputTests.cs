using System.Globalization;
using Forge.Core.Datasets;
using Forge.Formats.NetCdf;

namespace Forge.Formats.Tests.NetCdf;

/// <summary>Truncated, bit-flipped and foreign files give a <see cref="DataException"/> naming the file (and variable), never a crash.</summary>
[Collection(NetCdfCollection.Name)]
public sealed class BadInputTests(NetCdfFixtures fixtures)
{
    // Replaces "Truncated_classic_data_fails_on_read_naming_file_and_variable", which pinned the old contract (the open
    // succeeded and only a read past the end failed): the declared size is now checked against the file at open.
    [Theory]
    [InlineData(8)]
    [InlineData(1)]
    public void Truncated_classic_data_fails_at_open_naming_the_file_and_both_sizes(long cut)
    {
        // ncgen's classic file; 'anomaly' is the last record variable, so its last record is what the cut removes.
        var path = fixtures.CopyOf("classic", "truncated-data-" + cut.ToString(CultureInfo.InvariantCulture));
        var full = new FileInfo(path).Length;
        Truncate(path, full - cut);
        var error = Assert.Throws<DataException>(() => NetCdfDatasetReader.Open(path).DisposeAsync().AsTask().GetAwaiter().GetResult());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains($"declares {full} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains($"has {full - cut}", error.Message, StringComparison.Ordinal);
        Assert.Contains("records", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_classic_fixture_opens_and_its_reads_stay_checked_against_the_file()
    {
        // The declared size equals the file size for every classic-family file ncgen and cdo wrote (no false alarms).
        foreach (var name in new[] { "classic", "offset64", "cdf5_extended", "cdo_nc1", "cdo_nc2", "cdo_nc5" })
        {
            await using var reader = NetCdfDatasetReader.Open(fixtures.CopyOf(name, "whole"));
            Assert.NotEmpty(reader.Schema.Variables);
        }
    }

    [Theory]
    [InlineData("classic", 100)]
    [InlineData("cdf5_extended", 60)]
    [InlineData("nc4_features", 4000)]
    [InlineData("oisst", 20000)]
    [InlineData("classic", 3)]
    public void Truncated_header_fails_on_open_naming_the_file(string name, long length)
    {
        var path = fixtures.CopyOf(name, "truncated-" + length.ToString(CultureInfo.InvariantCulture));
        Truncate(path, length);
        var error = Assert.ThrowsAny<DataException>(() => NetCdfDatasetReader.Open(path).DisposeAsync().AsTask().GetAwaiter().GetResult());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Truncated_netcdf4_file_fails_naming_the_file(bool directChunks)
    {
        var path = fixtures.CopyOf("oisst", "half");
        Truncate(path, new FileInfo(path).Length / 2);
        var error = await Assert.ThrowsAnyAsync<DataException>(async () =>
        {
            await using var reader = NetCdfDatasetReader.Open(path, new NetCdfReadOptions(DirectChunks: directChunks));
            foreach (var v in reader.Schema.Variables)
                await reader.ReadAsync(v.Name, new long[v.Rank], v.Shape.ToArray(), new byte[v.ByteCount]);
        });
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("checked_only", true, "fletcher32")]
    [InlineData("checked_only", false, "fletcher32")]
    [InlineData("temp", true, "inflate")]
    [InlineData("temp", false, "inflate")]
    [InlineData("packed", true, "inflate")]
    [InlineData("packed", false, "inflate")]
    public async Task Bit_flip_in_a_filtered_chunk_fails_on_read(string variable, bool directChunks, string why)
    {
        var path = fixtures.CopyOf("nc4_features", $"flip-{variable}-{directChunks}");
        var (offset, size) = FirstChunk(path, variable);
        FlipByte(path, offset + (size / 2));
        await using var reader = NetCdfDatasetReader.Open(path, new NetCdfReadOptions(DirectChunks: directChunks));
        var v = reader.Schema.GetVariable(variable);
        var error = await Assert.ThrowsAnyAsync<DataException>(() => reader.ReadAsync(variable, new long[v.Rank], v.Shape.ToArray(), new byte[v.ByteCount]).AsTask());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{variable}'", error.Message, StringComparison.Ordinal);
        if (directChunks)
        {
            Assert.Contains("chunk at [0, 0", error.Message, StringComparison.Ordinal);
            Assert.Contains(why, error.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(40)]
    public void Bit_flip_in_the_hdf5_superblock_fails_on_open(int offset)
    {
        var path = fixtures.CopyOf("oisst", "superblock-" + offset.ToString(CultureInfo.InvariantCulture));
        FlipByte(path, offset);
        var error = Assert.ThrowsAny<DataException>(() => NetCdfDatasetReader.Open(path).DisposeAsync().AsTask().GetAwaiter().GetResult());
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Flip every byte of the classic header in turn: each open/read either works or throws a DataException.</summary>
    [Theory]
    [InlineData("classic")]
    [InlineData("cdf5_extended")]
    public async Task Any_classic_header_corruption_is_a_data_exception_or_harmless(string name)
    {
        var original = File.ReadAllBytes(fixtures.PathOf(name));
        var path = fixtures.CopyOf(name, "fuzz");
        var headerEnd = Math.Min(original.Length, 900);
        var failures = 0;
        for (var i = 0; i < headerEnd; i += 3)
        {
            var damaged = (byte[])original.Clone();
            damaged[i] ^= 0xFF;
            await File.WriteAllBytesAsync(path, damaged);
            try
            {
                await using var reader = NetCdfDatasetReader.Open(path);
                foreach (var v in reader.Schema.Variables.Where(v => v.ByteCount < 1 << 20))
                    await reader.ReadAsync(v.Name, new long[v.Rank], v.Shape.ToArray(), new byte[v.ByteCount]);
            }
            catch (DataException ex)
            {
                Assert.Contains(path, ex.Message, StringComparison.Ordinal);
                failures++;
            }
            catch (Exception ex) when (ex is ArgumentException or OverflowException)
            {
                // A damaged dimension length can make a variable too large to allocate in a test; not a reader fault.
                failures++;
            }
        }

        Assert.True(failures > 0);
    }

    [Fact]
    public async Task Plain_hdf5_without_dimension_scales_reads_with_phony_dimensions()
    {
        await using var reader = NetCdfDatasetReader.Open(fixtures.PathOf("plain_h5py"));
        Assert.Equal(NetCdfFormat.NetCdf4, reader.Format);
        Assert.Equal(["phony_dim_0", "phony_dim_1"], reader.Schema.Dimensions.Select(d => d.Name));
        Assert.Equal(["phony_dim_1", "phony_dim_0"], reader.Schema.GetVariable("values").Dimensions.ToArray());
        Assert.Equal("h5py", reader.Schema.Attributes.GetText("origin"));
    }

    [Fact]
    public void Not_netcdf_missing_and_empty_files_name_the_file()
    {
        var text = Path.Combine(fixtures.Directory, "notes.txt");
        File.WriteAllText(text, "just some text, not a dataset\n");
        var error = Assert.ThrowsAny<DataException>(() => NetCdfDatasetReader.Open(text));
        Assert.Contains(text, error.Message, StringComparison.Ordinal);

        var empty = Path.Combine(fixtures.Directory, "empty.nc");
        File.WriteAllBytes(empty, []);
        Assert.Contains(empty, Assert.ThrowsAny<DataException>(() => NetCdfDatasetReader.Open(empty)).Message, StringComparison.Ordinal);

        var missing = Path.Combine(fixtures.Directory, "missing.nc");
        Assert.Contains(missing, Assert.ThrowsAny<DataException>(() => NetCdfDatasetReader.Open(missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Child_process_header_check_accepts_good_files_and_names_bad_ones()
    {
        var options = new NetCdfReadOptions(HeaderCheck: HeaderCheck.ChildProcess);
        await using (var reader = NetCdfDatasetReader.Open(fixtures.PathOf("oisst"), options))
            Assert.NotEmpty(reader.Schema.Variables);

        var truncated = fixtures.CopyOf("oisst", "check-truncated");
        Truncate(truncated, 5000);
        var error = Assert.ThrowsAny<DataException>(() => NetCdfDatasetReader.Open(truncated, options));
        Assert.Contains(truncated, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Child_process_header_check_turns_a_crash_into_a_data_exception()
    {
        var saved = (IsolatedHeaderCheck.Tool, IsolatedHeaderCheck.ToolArguments);
        try
        {
            // Stand-in for ncdump dying of SIGSEGV in HDF5 on a corrupt global heap (see docs/readers.md).
            IsolatedHeaderCheck.Tool = "/bin/sh";
            IsolatedHeaderCheck.ToolArguments = ["-c", "kill -SEGV $$", "sh"];
            var path = fixtures.PathOf("nc4_features");
            var error = Assert.Throws<DataException>(() => IsolatedHeaderCheck.Run(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("signal 11", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            (IsolatedHeaderCheck.Tool, IsolatedHeaderCheck.ToolArguments) = saved;
        }
    }

    private static (long Offset, long Size) FirstChunk(string path, string variable)
    {
        var output = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileName(path) + ".chunk.txt");
        ExternalTool.RunToFile(output, ExternalTool.Python, ExternalTool.Script("chunk_info.py"), path, variable);
        var parts = File.ReadAllText(output).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static void Truncate(string path, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0xFF));
    }
}
