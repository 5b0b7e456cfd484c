using System.Text.Json.Nodes;
using Forge.Integration.Tests.Infrastructure;

namespace Forge.Integration.Tests.Cli;

/// <summary><c>--progress json</c>: the engine's typed totals as numbers (a "totals" event and the stage's fields).</summary>
public sealed class JsonTotalsTests : IDisposable
{
    private readonly string _work = CliWork.TempDir("forge-totals-");

    public void Dispose() => CliWork.Delete(_work);

    [Fact]
    public async Task Totals_events_carry_inputs_their_bytes_and_objects_as_numbers_before_each_stage()
    {
        var (code, stdout, stderr) = await ForgeCli.RunAsync("run", Repo.PathOf("recipes", "quickstart"), "--prune", "3", "--target", Path.Combine(_work, "t.zarr"), "--progress", "json");
        Assert.True(code == 0, stderr);
        var events = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var totals = events.Where(e => (string?)e["event"] == "totals").ToList();
        Assert.Equal(["fetch", "write"], totals.Select(t => (string)t["phase"]!));

        var fetch = totals[0];
        Assert.Equal(3, (long)fetch["inputs_total"]!);
        var bytes = new[] { "01", "02", "03" }.Sum(d => new FileInfo(Repo.PathOf("recipes", "quickstart", "data", $"oisst-avhrr-v02r01.198109{d}.nc")).Length);
        Assert.Equal(bytes, (long)fetch["input_bytes_total"]!);
        Assert.Equal(bytes, events.Where(e => (string?)e["event"] == "input").Sum(e => (long)e["bytes"]!));

        var write = totals[1];
        var chunks = events.Count(e => (string?)e["event"] == "chunk");
        Assert.Equal(chunks, (long)write["objects_total"]!);
        Assert.Equal(0, (long)write["objects_done"]!);

        // The stage that follows each totals event carries the same numbers, and comes right after it.
        var schema = events[events.IndexOf(fetch) + 1];
        Assert.Equal("schema", (string?)schema["stage"]);
        Assert.Equal(3, (long)schema["inputs_total"]!);
        var stage = events[events.IndexOf(write) + 1];
        Assert.Equal("write", (string?)stage["stage"]);
        Assert.Equal(chunks, (long)stage["objects_total"]!);
        Assert.True(totals.All(t => t["time"] is not null));
    }
}
