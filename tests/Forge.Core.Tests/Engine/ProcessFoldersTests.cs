using System.Diagnostics;
using Forge.Core.Execution;

namespace Forge.Core.Tests.Engine;

/// <summary>
/// Spill, shard-assembly and download folders of a killed run are removed by the next run on this host; a live
/// process's folder, another host's folder on a shared scratch and unrelated folders are kept.
/// </summary>
public sealed class ProcessFoldersTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("forge-pf-test").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public async Task A_dead_process_folder_of_this_host_goes_others_stay()
    {
        using var gone = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var goneStart = new DateTimeOffset(gone.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        gone.Kill();
        await gone.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Learn this host's tag from a folder of our own.
        var own = ProcessFolders.Create(_parent, "spill");
        var host = Path.GetFileName(own).Split('-')[2];
        var dead = Directory.CreateDirectory(Path.Combine(_parent, $"forge-spill-{host}-{gone.Id}-{goneStart}-0123abcd")).FullName;
        File.WriteAllBytes(Path.Combine(dead, "sst_0.0.0"), new byte[100]);
        var otherHost = Directory.CreateDirectory(Path.Combine(_parent, $"forge-shards-{(host == "00000000" ? "11111111" : "00000000")}-{gone.Id}-{goneStart}-0123abcd")).FullName;
        var unrelated = Directory.CreateDirectory(Path.Combine(_parent, "forge-spill-notes")).FullName;

        var next = ProcessFolders.Create(_parent, "shards");
        Assert.False(Directory.Exists(dead), "the dead process's spill folder must be removed");
        Assert.True(Directory.Exists(otherHost), "a folder of another host (shared scratch) is not this host's to judge");
        Assert.True(Directory.Exists(unrelated));
        Assert.True(Directory.Exists(own), "this process is alive: its folder stays");
        Assert.Equal(0, ProcessFolders.SweepDead(_parent));
        ProcessFolders.Delete(own);
        ProcessFolders.Delete(next);
        Assert.False(Directory.Exists(own));
        Assert.Throws<ArgumentException>(() => ProcessFolders.Create(_parent, "Spill-1"));
    }
}
