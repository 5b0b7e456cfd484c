using Forge.Core.Execution.Pipeline;

namespace Forge.Core.Tests.Engine;

/// <summary>The pass asks the kernel to read the next inputs ahead of the decoders, within a bounded window.</summary>
public sealed class ReadAheadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-readahead-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Files(int count, int bytes)
    {
        var paths = new string[count];
        for (int i = 0; i < count; i++)
        {
            paths[i] = Path.Combine(_dir, $"in{i}.nc");
            File.WriteAllBytes(paths[i], new byte[bytes]);
        }

        return paths;
    }

    [Fact]
    public async Task The_window_advances_with_the_inputs_started_and_stays_bounded_by_count_and_bytes()
    {
        if (!OperatingSystem.IsLinux()) return;
        var byCount = new ReadAhead(Files(100, 10));
        byCount.Started(-1);
        await byCount.DrainAsync();
        Assert.Equal(ReadAhead.WindowInputs, byCount.AdvisedCount);
        byCount.Started(9);
        await byCount.DrainAsync();
        Assert.Equal(10 + ReadAhead.WindowInputs, byCount.AdvisedCount);
        byCount.Started(99);
        await byCount.DrainAsync();
        Assert.Equal(100, byCount.AdvisedCount);
    }

    [Fact]
    public async Task Large_inputs_are_advised_one_at_a_time_beyond_the_byte_window_and_missing_ones_are_skipped()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Sizes are read once from the files; pretend each is half the byte window by using sparse files.
        var paths = new string?[6];
        for (int i = 0; i < paths.Length; i++)
        {
            paths[i] = Path.Combine(_dir, $"big{i}.nc");
            using var f = File.Create(paths[i]!);
            f.SetLength((ReadAhead.WindowBytes / 2) + 1);
        }

        paths[3] = null; // an input read back from the store: nothing to read ahead
        var r = new ReadAhead(paths);
        r.Started(-1);
        await r.DrainAsync();
        Assert.Equal(1, r.AdvisedCount); // the next input always, a second would cross the byte window
        r.Started(0);
        await r.DrainAsync();
        Assert.Equal(2, r.AdvisedCount);
        r.Started(4);
        await r.DrainAsync();
        Assert.Equal(6, r.AdvisedCount);
    }
}
